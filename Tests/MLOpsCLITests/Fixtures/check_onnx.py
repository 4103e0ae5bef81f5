"""Runs an ONNX model exported by mlops with ONNX Runtime on a CSV file and compares its outputs with the CSV
`mlops predict` wrote for the same data: exit 0 when every value agrees within 1e-5 (relative, floored at 1).

Usage: check_onnx.py MODEL.onnx DATA.csv PREDICTIONS.csv
"""
import csv, sys, math
import numpy as np
import onnxruntime as ort
model_path, data_path, expected_path = sys.argv[1:4]
session = ort.InferenceSession(model_path)
rows = list(csv.DictReader(open(data_path)))
feeds = {}
for inp in session.get_inputs():
    values = [r.get(inp.name, "") for r in rows]
    if inp.type == "tensor(string)":
        feeds[inp.name] = np.array(values, dtype=object).reshape(-1, 1)
    else:
        feeds[inp.name] = np.array([float(v) if v not in ("", "NA") else math.nan for v in values], dtype=np.float64).reshape(-1, 1)
out = session.run(None, feeds)[0]
expected = list(csv.reader(open(expected_path)))
header, body = expected[0], expected[1:]
if header[0].startswith("predicted_") and len(header) == 1:
    ours = np.array([[float(r[0])] for r in body])
else:
    ours = np.array([[float(x) for x in r[1:]] for r in body])
diff = np.abs(out - ours) / np.maximum(1.0, np.abs(ours))
print(f"max relative difference {diff.max():.3g} over {out.shape}")
sys.exit(0 if diff.max() <= 1e-5 else 1)
