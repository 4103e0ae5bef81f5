"""Calls `mlops serve` with Triton's own HTTP client and checks its predictions against `mlops predict`.

Usage: check_triton.py <host:port> <model> <data.csv> <predictions.csv>

Sends the rows twice: as binary tensors (tritonclient's default) and as JSON, in batches of 50, and exits
non-zero naming the first row whose prediction (a regression's value, a classifier's probabilities) differs by
more than 1e-9 (relative).
"""
import csv
import sys

import numpy as np
import tritonclient.http as httpclient


def main():
    url, model, data_path, predictions_path = sys.argv[1:5]
    client = httpclient.InferenceServerClient(url=url)
    assert client.is_server_live() and client.is_server_ready(), "server not live/ready"
    assert client.is_model_ready(model), f"model {model} not ready"
    metadata = client.get_model_metadata(model)
    features = [(item["name"], item["datatype"]) for item in metadata["inputs"]]

    with open(data_path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(predictions_path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        # A classifier's file has the label, then one probability per class: compare the probabilities.
        classifier = len(header) > 1
        expected = np.array([[float(x) for x in row[1:]] if classifier else float(row[0]) for row in reader])
    output = "probabilities" if classifier else "predict"

    for binary in (True, False):
        got = []
        for start in range(0, len(rows), 50):
            batch = rows[start:start + 50]
            inputs = []
            for name, datatype in features:
                if datatype == "BYTES":
                    values = np.array([row[name].encode() for row in batch], dtype=np.object_)
                else:
                    values = np.array([float(row[name]) if row[name] not in ("", "?") else np.nan for row in batch])
                tensor = httpclient.InferInput(name, [len(batch)], datatype)
                tensor.set_data_from_numpy(values, binary_data=binary)
                inputs.append(tensor)
            outputs = [httpclient.InferRequestedOutput(output, binary_data=False)]
            result = client.infer(model, inputs, outputs=outputs, request_id=f"triton-{start}")
            assert result.get_response()["id"] == f"triton-{start}", "request id not echoed"
            got.extend(result.as_numpy(output).tolist())
        got = np.array(got)
        if got.shape != expected.shape:
            sys.exit(f"binary={binary}: {got.shape[0]} predictions for {expected.shape[0]} rows")
        difference = np.abs(got - expected) / np.maximum(np.abs(expected), 1)
        if difference.max() > 1e-9:
            row = int(difference.argmax()) // (expected.shape[1] if classifier else 1)
            sys.exit(f"binary={binary}: row {row}: served {got[row]} but mlops predict wrote {expected[row]}")
    print(f"{len(rows)} rows agree, binary and JSON")


if __name__ == "__main__":
    main()
