"""Train a scikit-learn pipeline on data/diamonds.csv to predict `price` and export it as ONNX.

Reads params.yaml (section `train`), holds out the last 20 % of the rows after a seeded shuffle, and writes
model.onnx (one input per feature column, named as in the CSV), holdout.csv (the held-out rows, as read) and
metrics.json (r2, rmse, mae on the hold-out). Needs numpy, scikit-learn and skl2onnx.
"""

import csv
import json
import math
import random
import time

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

DATA = "data/diamonds.csv"
TARGET = "price"
TEXT = ["cut", "color", "clarity"]
NUMBERS = ["carat", "depth", "table", "x", "y", "z"]


def read_params(path="params.yaml", section="train"):
    """The scalars of one top-level section of a simple YAML file (`key: value` lines, `#` comments)."""
    params, current = {}, None
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        return params
    for line in lines:
        text = line.split("#", 1)[0].rstrip()
        if not text.strip():
            continue
        key, _, value = text.strip().partition(":")
        if not line.startswith((" ", "\t")):
            current = key
        elif current == section and value.strip():
            value = value.strip().strip("'\"")
            try:
                params[key] = int(value)
            except ValueError:
                try:
                    params[key] = float(value)
                except ValueError:
                    params[key] = value
    return params


def number(text):
    return float(text) if text.strip() else math.nan


def main():
    started = time.perf_counter()
    params = read_params()
    seed = params.get("seed", 0)

    with open(DATA, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    random.Random(seed).shuffle(rows)
    n_test = round(len(rows) * params.get("holdout", 0.2))
    train_rows, test_rows = rows[:-n_test], rows[-n_test:]

    # The features in CSV order, without the target. Without a DataFrame the ColumnTransformer selects columns
    # by integer position; skl2onnx maps those positions onto the ONNX inputs, one [None, 1] input per column in
    # this same order, so the ONNX graph takes the columns by name.
    features = [name for name in header if name != TARGET]
    position = {name: i for i, name in enumerate(header)}

    def matrix(part):
        X = np.empty((len(part), len(features)), dtype=object)
        for j, name in enumerate(features):
            i = position[name]
            X[:, j] = [row[i] if name in TEXT else number(row[i]) for row in part]
        y = np.array([float(row[position[TARGET]]) for row in part])
        return X, y

    X_train, y_train = matrix(train_rows)
    X_test, y_test = matrix(test_rows)
    columns = {name: j for j, name in enumerate(features)}

    pipeline = Pipeline([
        ("prepare", ColumnTransformer([
            ("text", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [columns[c] for c in TEXT]),
            # No StandardScaler: trees do not need one, and ONNX scales in float32 where scikit-learn scales in
            # float64, which moves values that sit exactly on a split (0.9 carat, 61.0 table) to the other side.
            ("numbers", SimpleImputer(strategy="median"), [columns[c] for c in NUMBERS]),
        ])),
        # HistGradientBoostingRegressor would be the first choice, but skl2onnx 1.20 fails to convert it with a
        # recent protobuf (it writes a leaf's missing-value flag as a Python bool where ONNX wants an int).
        ("model", GradientBoostingRegressor(
            n_estimators=params.get("n_estimators", 100),
            learning_rate=params.get("learning_rate", 0.1),
            max_depth=params.get("max_depth", 3),
            random_state=seed,
        )),
    ])
    pipeline.fit(X_train, y_train)
    predicted = pipeline.predict(X_test)

    metrics = {
        "r2": float(r2_score(y_test, predicted)),
        "rmse": float(math.sqrt(mean_squared_error(y_test, predicted))),
        "mae": float(mean_absolute_error(y_test, predicted)),
    }

    initial_types = [
        (name, StringTensorType([None, 1]) if name in TEXT else FloatTensorType([None, 1])) for name in features
    ]
    # A fixed graph name (skl2onnx's default is a random one) and capped opsets (skl2onnx takes the lowest that
    # suffice): the same data, parameters and library versions write the same bytes.
    onnx_model = convert_sklearn(
        pipeline, initial_types=initial_types, name="diamonds_price", target_opset={"": 17, "ai.onnx.ml": 3}
    )
    with open("model.onnx", "wb") as f:
        f.write(onnx_model.SerializeToString())

    with open("holdout.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(test_rows)
    with open("metrics.json", "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")

    print(
        f"trained on {len(train_rows)} rows, held out {len(test_rows)}: "
        f"r2 {metrics['r2']:.4f}, rmse {metrics['rmse']:.1f}, mae {metrics['mae']:.1f} "
        f"({time.perf_counter() - started:.1f}s) -> model.onnx, holdout.csv, metrics.json"
    )


if __name__ == "__main__":
    main()
