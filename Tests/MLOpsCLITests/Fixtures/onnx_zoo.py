"""A zoo of small ONNX models exported from scikit-learn, LightGBM and XGBoost, and a checker that compares the
predictions mlops makes with them against ONNX Runtime's.

Usage:
  onnx_zoo.py make OUTDIR [CASE ...]
      Trains every case (or the named ones) on auto-mpg or a sample of diamonds and writes into OUTDIR
      <case>.onnx, <case>.csv (rows to predict: the feature columns and the target column, empty fields for
      missing values) and cases.json, a list of
      {"case", "task": "regression"|"classification", "target", "features", "inputs": "columns"|"matrix"}.
      "columns": the model has one [None, 1] input per feature column, named after it (float, int64 or string).
      "matrix": the model has one float input "X" of shape [None, F] whose columns are `features` in order.
      Cases whose conversion fails are left out and listed on stderr.

  onnx_zoo.py check MODEL.onnx DATA.csv PREDICTIONS.csv TASK [--features a,b,c]
      Runs ONNX Runtime on DATA.csv (one input per column, or with --features one matrix input made of those
      columns) and compares with PREDICTIONS.csv as written by mlops: a header `predicted_<target>` followed, for
      classifiers (TASK "classification"), by `probability_<class>` for every class in the model's class order
      (matched to ONNX Runtime's classes by name). Labels must be equal as text (integers without ".0");
      numbers must agree within 1e-5, absolute or relative to max(1, |value|); an empty field is NaN.
      Prints `max difference X over N rows`; exits 0 when everything agrees, else prints disagreeing rows and
      exits 1.

  onnx_zoo.py unsupported OUT.onnx
      Writes a valid model that ONNX Runtime runs but that uses operators mlops does not evaluate (TopK and
      ai.onnx.ml's SVMRegressor), so registration must refuse it and name both.

  onnx_zoo.py hostile OUTDIR
      Writes small hostile models (each one input `x`, float [N, 1], unless its name says otherwise) that once
      crashed, hung or exhausted mlops, and hostile.json: {name: "refused" | "predicts"} for what registration
      must do with each.

  onnx_zoo.py ort MODEL.onnx DATA.csv OUT.csv [--features a,b,c] [--target NAME]
      Writes ONNX Runtime's predictions in the layout mlops uses. The target defaults to the one column of
      DATA.csv that is not a model input.
"""
import argparse
import csv
import functools
import json
import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime

ROOT = Path(__file__).resolve().parents[3]
AUTO_MPG = ROOT / "Examples/auto-mpg/data/auto-mpg.csv"
DIAMONDS = ROOT / "Examples/diamonds/diamonds.csv"

SEED = 7
DIAMOND_SAMPLE = 1500  # rows drawn from diamonds.csv
TEST_ROWS = 50  # rows of each case written to <case>.csv, never trained on
TOLERANCE = 1e-5
SKL2ONNX_OPSET = {"": 15, "ai.onnx.ml": 3}  # upper bounds: converters stamp the lowest opset they need
ONNXMLTOOLS_OPSET = 15
UNSEEN = "unseen"  # category value written in one row of cases with `unseen`

# Column lists
MPG_X = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]
ORIGIN_X = ["mpg", "cylinders", "displacement", "horsepower", "weight", "acceleration", "year"]
PRICE_X = ["carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z"]
PRICE_NUMERIC_X = ["carat", "depth", "table", "x", "y", "z"]
CUT_X = ["carat", "color", "clarity", "depth", "table", "price"]
CLASSIFICATION_TARGETS = {"origin", "american", "origin_index", "cut"}


# ---------------------------------------------------------------------------------------------------------------
# Data


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def dataset(name):
    """Rows (dicts of strings) of a data set, in a fixed seeded order."""
    if name == "auto-mpg":
        rows = read_csv(AUTO_MPG)
        for row in rows:  # derived targets: binary, and origin as 0-based codes (XGBoost wants 0..K-1)
            row["american"] = "1" if row["origin"] == "1" else "0"
            row["origin_index"] = str(int(row["origin"]) - 1)
    elif name == "diamonds":
        rows = read_csv(DIAMONDS)
        rows = [rows[i] for i in np.random.default_rng(SEED).choice(len(rows), DIAMOND_SAMPLE, replace=False)]
    elif name == "diamonds-ideal-premium":  # binary classification of cut, from the (already shuffled) sample
        return [row for row in dataset("diamonds") if row["cut"] in ("Ideal", "Premium")]
    else:
        raise ValueError(f"unknown data set {name}")
    return [rows[i] for i in np.random.default_rng(SEED).permutation(len(rows))]


# ---------------------------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    name: str
    data: str  # a dataset() name
    target: str
    features: list
    inputs: str  # "matrix" or "columns"
    estimator: object  # a function of the case returning an unfitted estimator
    strings: tuple = ()  # string feature columns (columns inputs only)
    int64: tuple = ()  # feature columns exported as int64 inputs (columns inputs only)
    missing: tuple = ()  # numeric columns emptied in some training and test rows
    unseen: str = None  # string column that gets a category never seen in training in one test row
    zipmap: bool = True  # classifiers: probabilities as a sequence of maps (True) or an [N, C] tensor

    @property
    def task(self):
        return "classification" if self.target in CLASSIFICATION_TARGETS else "regression"


def sk(factory):
    """An estimator factory that ignores the case."""
    return lambda case: factory()


def scaled(factory):
    """Pipeline(StandardScaler, model)."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    return lambda case: Pipeline([("scale", StandardScaler()), ("model", factory())])


def passthrough(factory):
    """Pipeline(ColumnTransformer(passthrough), model): a plain model that skl2onnx gives one input per column
    (it casts and concatenates them)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    return lambda case: Pipeline([
        ("columns", ColumnTransformer([("all", "passthrough", list(range(len(case.features))))])),
        ("model", factory()),
    ])


def tabular(factory):
    """Pipeline(ColumnTransformer([one-hot strings, impute+scale numbers]), model), columns by position."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def make(case):
        strings = [i for i, c in enumerate(case.features) if c in case.strings]
        numbers = [i for i, c in enumerate(case.features) if c not in case.strings]
        columns = ColumnTransformer([
            ("strings", OneHotEncoder(handle_unknown="ignore"), strings),
            # median, not mean: a mean scales to ~0 and trees then split right next to where imputed rows land
            ("numbers", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
             numbers),
        ])
        return Pipeline([("columns", columns), ("model", factory())])
    return make


def lgbm(kind, **params):
    import lightgbm
    return lambda case: getattr(lightgbm, kind)(n_jobs=1, verbose=-1, random_state=SEED, **params)


def xgb(kind, **params):
    import xgboost
    return lambda case: getattr(xgboost, kind)(n_jobs=1, random_state=SEED, **params)


def cases():
    from sklearn import ensemble, linear_model, neural_network, tree
    small_forest = dict(n_estimators=20, max_depth=5, random_state=SEED)
    small_boost = dict(n_estimators=20, max_depth=3, random_state=SEED)
    return [
        # scikit-learn, auto-mpg regression of mpg
        Case("sk_linear_regression", "auto-mpg", "mpg", MPG_X, "columns", passthrough(linear_model.LinearRegression),
             int64=("cylinders", "year", "origin")),
        Case("sk_ridge", "auto-mpg", "mpg", MPG_X, "matrix", sk(lambda: linear_model.Ridge(alpha=1.0))),
        Case("sk_decision_tree_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             sk(lambda: tree.DecisionTreeRegressor(max_depth=5, random_state=SEED))),
        Case("sk_random_forest_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             sk(lambda: ensemble.RandomForestRegressor(**small_forest))),
        Case("sk_gradient_boosting_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             sk(lambda: ensemble.GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=SEED))),
        Case("sk_hist_gradient_boosting_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             sk(lambda: ensemble.HistGradientBoostingRegressor(max_iter=30, max_depth=4, random_state=SEED)),
             missing=("horsepower",)),
        Case("sk_mlp_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             scaled(lambda: neural_network.MLPRegressor(hidden_layer_sizes=(16,), max_iter=500, random_state=SEED))),
        # scikit-learn, auto-mpg classification of origin (1/2/3) and american (0/1)
        Case("sk_logistic_regression_binary", "auto-mpg", "american", ORIGIN_X, "matrix",
             sk(lambda: linear_model.LogisticRegression(max_iter=5000)), zipmap=False),
        Case("sk_logistic_regression_multiclass", "auto-mpg", "origin", ORIGIN_X, "matrix",
             sk(lambda: linear_model.LogisticRegression(max_iter=5000))),
        Case("sk_scaler_logistic_regression", "auto-mpg", "origin", ORIGIN_X, "matrix",
             scaled(lambda: linear_model.LogisticRegression(max_iter=1000))),
        Case("sk_decision_tree_classifier", "auto-mpg", "origin", ORIGIN_X, "columns",
             passthrough(lambda: tree.DecisionTreeClassifier(max_depth=5, random_state=SEED)),
             int64=("cylinders", "year")),
        Case("sk_random_forest_classifier", "auto-mpg", "origin", ORIGIN_X, "matrix",
             sk(lambda: ensemble.RandomForestClassifier(**small_forest)), zipmap=False),
        Case("sk_gradient_boosting_classifier_binary", "auto-mpg", "american", ORIGIN_X, "matrix",
             sk(lambda: ensemble.GradientBoostingClassifier(**small_boost))),
        Case("sk_gradient_boosting_classifier_multiclass", "auto-mpg", "origin", ORIGIN_X, "matrix",
             sk(lambda: ensemble.GradientBoostingClassifier(**small_boost))),
        Case("sk_hist_gradient_boosting_classifier", "auto-mpg", "origin", ORIGIN_X, "matrix",
             sk(lambda: ensemble.HistGradientBoostingClassifier(max_iter=20, max_depth=4, random_state=SEED)),
             missing=("horsepower",)),
        Case("sk_mlp_classifier", "auto-mpg", "origin", ORIGIN_X, "matrix",
             scaled(lambda: neural_network.MLPClassifier(hidden_layer_sizes=(12, 8), activation="tanh", max_iter=500,
                                                         random_state=SEED))),
        # ReLU layers (fused and chained by mlops), the label picked from the classes and cast, no ZipMap
        Case("sk_mlp_classifier_relu", "auto-mpg", "origin", ORIGIN_X, "matrix",
             scaled(lambda: neural_network.MLPClassifier(hidden_layer_sizes=(24, 12), max_iter=500, random_state=SEED)),
             zipmap=False),
        # scikit-learn pipelines with a ColumnTransformer on diamonds (a tree model for price: a linear one
        # predicts prices near 0, where float32 rounding in ONNX Runtime approaches the tolerance)
        Case("sk_pipeline_columns_regressor", "diamonds", "price", PRICE_X, "columns",
             tabular(lambda: ensemble.GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=SEED)),
             strings=("cut", "color", "clarity"), missing=("depth", "table"), unseen="color"),
        Case("sk_pipeline_columns_classifier", "diamonds-ideal-premium", "cut", CUT_X, "columns",
             tabular(lambda: linear_model.LogisticRegression(max_iter=1000)),
             strings=("color", "clarity"), missing=("depth",), unseen="clarity"),
        # LightGBM
        Case("lgbm_regressor", "auto-mpg", "mpg", MPG_X, "matrix",
             lgbm("LGBMRegressor", n_estimators=30, num_leaves=8, min_child_samples=5), missing=("horsepower",)),
        Case("lgbm_classifier_binary", "auto-mpg", "american", ORIGIN_X, "matrix",
             lgbm("LGBMClassifier", n_estimators=20, num_leaves=8, min_child_samples=5),
             missing=("horsepower",)),
        Case("lgbm_classifier_multiclass", "auto-mpg", "origin", ORIGIN_X, "matrix",
             lgbm("LGBMClassifier", n_estimators=20, num_leaves=8, min_child_samples=5), zipmap=False),
        # XGBoost
        Case("xgb_regressor", "diamonds", "price", PRICE_NUMERIC_X, "matrix",
             xgb("XGBRegressor", n_estimators=30, max_depth=4), missing=("depth",)),
        Case("xgb_classifier_binary", "auto-mpg", "american", ORIGIN_X, "matrix",
             xgb("XGBClassifier", n_estimators=20, max_depth=3), missing=("horsepower",)),
        Case("xgb_classifier_multiclass", "auto-mpg", "origin_index", ORIGIN_X, "matrix",
             xgb("XGBClassifier", n_estimators=20, max_depth=3)),
    ]


# ---------------------------------------------------------------------------------------------------------------
# make


def split(case):
    """(training rows, test rows) of a case, with its missing values and unseen category put in."""
    rows = [dict(row) for row in dataset(case.data)]
    for i, row in enumerate(rows):
        for column in case.missing:
            if i % 8 == 0:
                row[column] = ""
    test, train = rows[:TEST_ROWS], rows[TEST_ROWS:]
    if case.unseen:
        test[1][case.unseen] = UNSEEN
    return train, test


def training_arrays(case, rows):
    """X (float, or object when there are string columns) and y for fitting."""
    def value(column, text):
        if column in case.strings:
            return text
        return float(text) if text != "" else math.nan
    X = np.array([[value(c, row[c]) for c in case.features] for row in rows],
                 dtype=object if case.strings else np.float64)
    targets = [row[case.target] for row in rows]
    if case.task == "regression":
        y = np.array([float(t) for t in targets])
    elif all(t.isdigit() for t in targets):
        y = np.array([int(t) for t in targets])
    else:
        y = np.array(targets, dtype=object)
    return X, y


def initial_types(case, types):
    """The model inputs of a case, made with `types`, the data_types module of skl2onnx or of onnxmltools."""
    if case.inputs == "matrix":
        return [("X", types.FloatTensorType([None, len(case.features)]))]
    kinds = {c: types.StringTensorType for c in case.strings} | {c: types.Int64TensorType for c in case.int64}
    return [(c, kinds.get(c, types.FloatTensorType)([None, 1])) for c in case.features]


def patch_skl2onnx():
    """skl2onnx 1.20 puts Python bools into HistGradientBoosting's nodes_missing_value_tracks_true, which onnx
    >= 1.17 rejects in an INTS attribute: turn them into ints before they reach the node."""
    from skl2onnx.common import tree_ensemble
    add_node = tree_ensemble.add_node

    def add_node_with_int_flags(*args, nodes_missing_value_tracks_true=0, **kwargs):
        add_node(*args, nodes_missing_value_tracks_true=int(nodes_missing_value_tracks_true), **kwargs)
    tree_ensemble.add_node = add_node_with_int_flags


def export(case, model):
    import lightgbm
    import xgboost
    import onnxmltools.convert.common.data_types as onnxmltools_types
    import skl2onnx.common.data_types as skl2onnx_types
    from onnxmltools import convert_lightgbm, convert_xgboost
    from skl2onnx import to_onnx
    types = initial_types(case, onnxmltools_types)
    if isinstance(model, lightgbm.LGBMModel):
        return convert_lightgbm(model, initial_types=types, target_opset=ONNXMLTOOLS_OPSET, zipmap=case.zipmap)
    if isinstance(model, xgboost.XGBModel):  # always a probability tensor, no ZipMap
        return convert_xgboost(model, initial_types=types, target_opset=ONNXMLTOOLS_OPSET)
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    options = None if case.zipmap else {id(final): {"zipmap": False}}
    return to_onnx(model, initial_types=initial_types(case, skl2onnx_types), target_opset=SKL2ONNX_OPSET,
                   options=options)


def make(outdir, names):
    warnings.filterwarnings("ignore")  # convergence and feature-name chatter from the small models
    patch_skl2onnx()
    chosen = cases()
    unknown = set(names) - {case.name for case in chosen}
    if unknown:
        sys.exit(f"unknown cases: {', '.join(sorted(unknown))}")
    if names:
        chosen = [case for case in chosen if case.name in names]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written, dropped = [], []
    for case in chosen:
        train, test = split(case)
        try:
            model = case.estimator(case).fit(*training_arrays(case, train))
            onnx_model = export(case, model)
        except Exception as error:  # a converter that cannot handle the case: report it, keep the others
            dropped.append((case.name, f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"))
            continue
        onnx.save(onnx_model, outdir / f"{case.name}.onnx")
        with open(outdir / f"{case.name}.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(case.features + [case.target])
            writer.writerows([row[c] for c in case.features + [case.target]] for row in test)
        written.append({"case": case.name, "task": case.task, "target": case.target,
                        "features": case.features, "inputs": case.inputs})
        print(f"{case.name}: {len(test)} rows")
    with open(outdir / "cases.json", "w") as f:
        json.dump(written, f, indent=2)
    for name, reason in dropped:
        print(f"dropped {name}: {reason}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------------
# Running ONNX Runtime


FEED_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
              "tensor(int32)": np.int32, "tensor(string)": object}


def column_array(values, onnx_type):
    """A CSV column as the element type an input wants; an empty field is NaN for floats."""
    dtype = FEED_TYPES[onnx_type]
    if dtype is object:
        return np.array(values, dtype=object)
    if np.issubdtype(dtype, np.integer):
        if "" in values:
            sys.exit(f"an integer input ({onnx_type}) cannot take an empty field")
        return np.array([int(v) for v in values], dtype=dtype)
    return np.array([float(v) if v != "" else math.nan for v in values], dtype=dtype)


def graph_class_labels(model):
    """Class labels in the model's order: those of the ZipMap, else those of the ML classifier operator."""
    labels = {}
    for node in model.graph.node:
        for attribute in node.attribute:
            if attribute.name in ("classlabels_int64s", "classlabels_ints"):  # LinearClassifier says "ints"
                labels.setdefault(node.op_type, [str(v) for v in attribute.ints])
            elif attribute.name == "classlabels_strings":
                labels.setdefault(node.op_type, [v.decode() for v in attribute.strings])
    if "ZipMap" in labels:
        return labels["ZipMap"]
    if labels:
        return next(iter(labels.values()))
    # skl2onnx graphs without a classifier operator (MLP, ...) pick labels from an initializer "classes"
    classes = [onnx.numpy_helper.to_array(t) for t in model.graph.initializer if t.name == "classes"]
    return [label_text(v) for v in classes[0]] if classes else None


def label_text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


@dataclass
class Predictions:
    values: np.ndarray  # regression: [N]; classification: probabilities [N, C]
    labels: list = None  # classification: label of each row, as text
    classes: list = None  # classification: class of each probability column, as text

    @property
    def rows(self):
        return len(self.values)


def run_ort(model_path, data_path, features):
    """ONNX Runtime's predictions for the rows of DATA.csv, and the columns of DATA.csv the model used."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3  # LightGBM graphs declare a label shape of [1], which ORT warns about
    session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    rows = read_csv(data_path)
    inputs = session.get_inputs()
    if features and len(inputs) != 1:
        sys.exit(f"--features given but the model has {len(inputs)} inputs")
    used = features or [i.name for i in inputs]
    absent = [c for c in used if rows and c not in rows[0]]
    if absent:
        hint = "" if features else " (for a matrix input, pass --features)"
        sys.exit(f"{data_path} has no column {', '.join(absent)}{hint}")
    if features:
        matrix = np.stack([column_array([row[c] for row in rows], inputs[0].type) for c in features], axis=1)
        feeds = {inputs[0].name: matrix}
    else:
        feeds = {}
        for i in inputs:
            array = column_array([row[i.name] for row in rows], i.type)
            feeds[i.name] = array.reshape(-1, 1) if len(i.shape) == 2 else array
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
    kinds = {o.name: o.type for o in session.get_outputs()}
    label_name = next((n for n, t in kinds.items() if t in ("tensor(int64)", "tensor(string)")), None)
    if label_name is None:  # regression: the single numeric output
        (values,) = outputs.values()
        return Predictions(np.asarray(values, dtype=np.float64).reshape(len(rows))), used
    labels = [label_text(v) for v in np.asarray(outputs[label_name]).reshape(len(rows))]
    (name,) = [n for n in outputs if n != label_name]
    classes = graph_class_labels(onnx.load(str(model_path)))
    if kinds[name].startswith("seq(map("):  # ZipMap: one {class: probability} per row
        maps = outputs[name]
        keyed = [{label_text(k): v for k, v in m.items()} for m in maps]
        classes = classes or list(keyed[0])
        probabilities = np.array([[m[c] for c in classes] for m in keyed], dtype=np.float64)
    else:
        probabilities = np.asarray(outputs[name], dtype=np.float64).reshape(len(rows), -1)
        classes = classes or [str(i) for i in range(probabilities.shape[1])]
    if len(classes) != probabilities.shape[1]:
        sys.exit(f"model declares classes {classes} but outputs {probabilities.shape[1]} probabilities")
    return Predictions(probabilities, labels, classes), used


# ---------------------------------------------------------------------------------------------------------------
# check and ort


def difference(ours, theirs):
    """|ours - theirs| relative to max(1, |theirs|); two NaNs agree."""
    if math.isnan(ours) or math.isnan(theirs):
        return 0.0 if math.isnan(ours) and math.isnan(theirs) else math.inf
    return abs(ours - theirs) / max(1.0, abs(theirs))


def number(text):
    """A number written by mlops; an empty field is NaN, anything unreadable agrees with nothing."""
    try:
        return float(text) if text != "" else math.nan
    except ValueError:
        return math.inf


def check(model_path, data_path, predictions_path, task, features):
    ort, _ = run_ort(model_path, data_path, features)
    with open(predictions_path, newline="") as f:
        header, *body = list(csv.reader(f))
    if (task == "classification") != (ort.labels is not None):
        sys.exit(f"the model is not a {task} model")
    if len(body) != ort.rows:
        sys.exit(f"{predictions_path} has {len(body)} rows, ONNX Runtime predicted {ort.rows}")
    if not header[0].startswith("predicted_"):
        sys.exit(f"first column {header[0]!r} is not predicted_<target>")
    problems = []
    if task == "regression":
        columns = [(0, ort.values)]
    else:  # probability columns are matched to ONNX Runtime's by class name
        names = [h.removeprefix("probability_") for h in header[1:]]
        if any(not h.startswith("probability_") for h in header[1:]) or sorted(names) != sorted(ort.classes):
            sys.exit(f"probability columns {header[1:]} are not probability_<class> for the model's classes "
                     f"{ort.classes}")
        columns = [(1 + j, ort.values[:, ort.classes.index(name)]) for j, name in enumerate(names)]
        for i, row in enumerate(body):
            if row[0] != ort.labels[i]:
                problems.append(f"row {i + 1}: {header[0]} mlops {row[0]!r}, ONNX Runtime {ort.labels[i]!r}")
    worst = 0.0
    for column, theirs in columns:
        for i, row in enumerate(body):
            d = difference(number(row[column]), float(theirs[i]))
            worst = max(worst, d)
            if d > TOLERANCE:
                problems.append(f"row {i + 1}: {header[column]} mlops {row[column]}, "
                                f"ONNX Runtime {float(theirs[i])!r} (difference {d:.3g})")
    print(f"max difference {worst:.3g} over {ort.rows} rows")
    if problems:
        print(f"{len(problems)} disagreements, first ones:")
        print("\n".join(problems[:10]))
        sys.exit(1)


def write_ort(model_path, data_path, out_path, features, target):
    ort, used = run_ort(model_path, data_path, features)
    if target is None:
        with open(data_path, newline="") as f:
            others = [c for c in next(csv.reader(f)) if c not in used]
        if len(others) != 1:
            sys.exit(f"cannot tell the target among {others}: pass --target")
        (target,) = others
    with open(out_path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        if ort.labels is None:
            writer.writerow([f"predicted_{target}"])
            writer.writerows([repr(float(v))] for v in ort.values)
        else:
            writer.writerow([f"predicted_{target}"] + [f"probability_{c}" for c in ort.classes])
            writer.writerows([label] + [repr(float(p)) for p in probabilities]
                             for label, probabilities in zip(ort.labels, ort.values))


def write_unsupported(out_path):
    import onnx
    from onnx import TensorProto, helper
    svm = helper.make_node(
        "SVMRegressor", ["x"], ["score"], domain="ai.onnx.ml", kernel_type="LINEAR", support_vectors=[1.0, 2.0],
        coefficients=[0.5], n_supports=1, rho=[0.1])
    k = helper.make_tensor("k", TensorProto.INT64, [1], [1])
    top = helper.make_node("TopK", ["score", "k"], ["variable", "index"], axis=1)
    graph = helper.make_graph(
        [svm, top], "unsupported", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])], initializer=[k])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 1)])
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def write_hostile(outdir):
    import onnx
    from onnx import TensorProto as T, helper as h, numpy_helper as nh
    Path(outdir).mkdir(parents=True, exist_ok=True)

    def tensor(name, values, dtype):
        return nh.from_array(np.array(values, dtype), name)

    def save(name, nodes, inputs=None, initializers=(), outputs=None):
        inputs = inputs or [h.make_tensor_value_info("x", T.FLOAT, [None, 1])]
        outputs = outputs or [h.make_tensor_value_info("y", T.FLOAT, [None, 1])]
        graph = h.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", 15), h.make_opsetid("ai.onnx.ml", 3)])
        model.ir_version = 8
        onnx.save(model, f"{outdir}/{name}.onnx")

    expected = {}
    # Numbers from strings: registration runs a trial row and refuses it.
    save("string_add", [h.make_node("Add", ["x", "one"], ["y"])],
         [h.make_tensor_value_info("x", T.STRING, [None, 1])], [tensor("one", [1.0], np.float32)])
    expected["string_add"] = "refused"
    # A 2^40-element constant and a [2^20, 1] + [1, 2^20] broadcast: refused before anything is allocated.
    save("huge_constant", [h.make_node("ConstantOfShape", ["shape"], ["c"]),
                           h.make_node("ReduceSum", ["c"], ["r"], keepdims=0), h.make_node("Add", ["x", "r"], ["y"])],
         initializers=[tensor("shape", [2**20, 2**20], np.int64)])
    expected["huge_constant"] = "refused"
    # The same value computed twice.
    save("duplicate_output", [h.make_node("Identity", ["x"], ["y"]), h.make_node("Neg", ["x"], ["y"])])
    expected["duplicate_output"] = "refused"
    # A tree whose 60 branches all lead both ways to the next node: a DAG (not a cycle), 2^60 paths.
    depth = 60
    ids = list(range(depth + 1))
    save("tree_dag", [h.make_node(
        "TreeEnsembleRegressor", ["x"], ["y"], domain="ai.onnx.ml", n_targets=1,
        nodes_treeids=[0] * (depth + 1), nodes_nodeids=ids, nodes_featureids=[0] * (depth + 1),
        nodes_values=[float(i) for i in ids], nodes_modes=["BRANCH_LEQ"] * depth + ["LEAF"],
        nodes_truenodeids=[i + 1 for i in ids[:-1]] + [0], nodes_falsenodeids=[i + 1 for i in ids[:-1]] + [0],
        target_treeids=[0], target_nodeids=[depth], target_ids=[0], target_weights=[2.5])])
    expected["tree_dag"] = "predicts"
    # A chain of 100,000 branches whose rows all leave at the root: each row pays its own path, not the depth.
    depth = 100_000
    ids = list(range(2 * depth + 1))
    branches, leaves = ids[:depth], ids[depth:]
    save("tree_chain", [h.make_node(
        "TreeEnsembleRegressor", ["x"], ["y"], domain="ai.onnx.ml", n_targets=1,
        nodes_treeids=[0] * len(ids), nodes_nodeids=ids, nodes_featureids=[0] * len(ids),
        nodes_values=[1e9] * depth + [0.0] * (depth + 1), nodes_modes=["BRANCH_LEQ"] * depth + ["LEAF"] * (depth + 1),
        nodes_truenodeids=[depth + i for i in branches] + [0] * (depth + 1),
        nodes_falsenodeids=[i + 1 for i in branches[:-1]] + [2 * depth] + [0] * (depth + 1),
        target_treeids=[0] * (depth + 1), target_nodeids=leaves, target_ids=[0] * (depth + 1),
        target_weights=[1.5] * (depth + 1))])
    expected["tree_chain"] = "predicts"
    # A classifier's probabilities through a network layer (fused into one operator): its classes are still found.
    weights, bias = np.eye(3, dtype=np.float32) * 2, np.zeros(3, np.float32)
    save("classes_through_layer", [
        h.make_node("LinearClassifier", ["x"], ["label", "p0"], domain="ai.onnx.ml", coefficients=[0.5, -1.0, 2.0],
                    intercepts=[0.1, 0.2, 0.3], classlabels_ints=[10, 20, 30], post_transform="SOFTMAX"),
        h.make_node("MatMul", ["p0", "w"], ["product"]), h.make_node("Add", ["product", "b"], ["scores"]),
        h.make_node("Softmax", ["scores"], ["probabilities"], axis=1)],
        initializers=[tensor("w", weights, np.float32), tensor("b", bias, np.float32)],
        outputs=[h.make_tensor_value_info("label", T.INT64, [None]),
                 h.make_tensor_value_info("probabilities", T.FLOAT, [None, 3])])
    expected["classes_through_layer"] = "predicts"
    # Two network layers feeding each other (dead code beside the output): fusing them once grew a chain forever.
    one, zero = tensor("one", [[1.0]], np.float32), tensor("zero", [0.0], np.float32)
    save("layer_cycle", [h.make_node("MatMul", ["h2", "one"], ["m1"]), h.make_node("Add", ["m1", "zero"], ["h1"]),
                         h.make_node("MatMul", ["h1", "one"], ["m2"]), h.make_node("Add", ["m2", "zero"], ["h2"]),
                         h.make_node("Identity", ["x"], ["y"])], initializers=[one, zero])
    expected["layer_cycle"] = "refused"
    # A label picked from float "classes": not a list of classes mlops can name (they were truncated to integers).
    save("float_classes", [
        h.make_node("MatMul", ["x", "w"], ["product"]), h.make_node("Add", ["product", "b"], ["scores"]),
        h.make_node("Softmax", ["scores"], ["probabilities"], axis=1),
        h.make_node("ArgMax", ["probabilities"], ["index"], axis=1, keepdims=0),
        h.make_node("ArrayFeatureExtractor", ["classes", "index"], ["label"], domain="ai.onnx.ml")],
        initializers=[tensor("w", [[0.5, -1.0, 2.0]], np.float32), tensor("b", [0.1, 0.2, 0.3], np.float32),
                      tensor("classes", [0.5, 1.5, 2.5], np.float32)],
        outputs=[h.make_tensor_value_info("label", T.FLOAT, [None]),
                 h.make_tensor_value_info("probabilities", T.FLOAT, [None, 3])])
    expected["float_classes"] = "refused"
    # A Scaler on double input computes in double, as ONNX Runtime does ((1.0000001 − 1) · 10⁶ is 0.1, not 0.119).
    save("scaler_double", [h.make_node("Scaler", ["x"], ["y"], domain="ai.onnx.ml", offset=[1.0], scale=[1e6])],
         inputs=[h.make_tensor_value_info("x", T.DOUBLE, [None, 1])])
    expected["scaler_double"] = "predicts"
    # An index taken from the request: a huge value is an error for that request, never a trap.
    save("user_index", [h.make_node("Cast", ["x"], ["i"], to=T.INT64), h.make_node("Gather", ["data", "i"], ["g"]),
                        h.make_node("Reshape", ["g", "shape"], ["y"])],
         initializers=[tensor("data", [10.0, 20.0, 30.0], np.float32), tensor("shape", [-1, 1], np.int64)])
    expected["user_index"] = "predicts"
    json.dump(expected, open(f"{outdir}/hostile.json", "w"), indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("make")
    p.add_argument("outdir")
    p.add_argument("cases", nargs="*")
    p = commands.add_parser("check")
    p.add_argument("model")
    p.add_argument("data")
    p.add_argument("predictions")
    p.add_argument("task", choices=["regression", "classification"])
    p.add_argument("--features")
    p = commands.add_parser("unsupported")
    p.add_argument("out")
    p = commands.add_parser("hostile")
    p.add_argument("outdir")
    p = commands.add_parser("ort")
    p.add_argument("model")
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--features")
    p.add_argument("--target")
    args = parser.parse_args()
    features = args.features.split(",") if getattr(args, "features", None) else None
    if args.command == "make":
        make(args.outdir, args.cases)
    elif args.command == "hostile":
        write_hostile(args.outdir)
    elif args.command == "unsupported":
        write_unsupported(args.out)
    elif args.command == "check":
        check(args.model, args.data, args.predictions, args.task, features)
    else:
        write_ort(args.model, args.data, args.out, features, args.target)


if __name__ == "__main__":
    main()
