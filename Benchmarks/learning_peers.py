"""Times LightGBM and scikit-learn on the same train/test files as mlops-learn-benchmark; one JSON line per learner.

Usage: learning_peers.py TRAIN TEST TARGET TASK [--categorical COL ...] [--repeat N] [--drop COL ...]
Same budget as mlops: 100 rounds, 31 leaves, learning rate 0.1, 255 bins, min 20 rows per leaf, 2 threads.
"""
import argparse, json, statistics, time
import numpy as np
import pandas as pd
import lightgbm as lgb
from sklearn.ensemble import HistGradientBoostingRegressor, HistGradientBoostingClassifier, RandomForestRegressor, RandomForestClassifier
from sklearn import metrics

parser = argparse.ArgumentParser()
parser.add_argument("train"); parser.add_argument("test"); parser.add_argument("target"); parser.add_argument("task")
parser.add_argument("--categorical", action="append", default=[])
parser.add_argument("--drop", action="append", default=[])
parser.add_argument("--repeat", type=int, default=5)
parser.add_argument("--forest", action="store_true")
args = parser.parse_args()

def load(path):
    frame = pd.read_csv(path).drop(columns=args.drop)
    y = frame.pop(args.target)
    for column in frame.columns:
        if column in args.categorical or not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype("category")
    return frame, y

train_x, train_y = load(args.train)
test_x, test_y = load(args.test)
for column in train_x.columns:
    if isinstance(train_x[column].dtype, pd.CategoricalDtype):
        test_x[column] = pd.Categorical(test_x[column], categories=train_x[column].cat.categories)
classification = args.task == "classification"
if classification:
    classes = sorted(train_y.astype(str).unique())
    train_y = train_y.astype(str).map({c: i for i, c in enumerate(classes)})
    test_y = test_y.astype(str).map({c: i for i, c in enumerate(classes)})

def time_median(fn):
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter(); result = fn(); times.append(time.perf_counter() - start)
    return statistics.median(times), result

def report(name, model, predict):
    fit, model = time_median(model)
    pred_time, pred = time_median(lambda: predict(model, test_x))
    row = test_x.iloc[[0]]
    rows = min(len(test_x), 200)
    start = time.perf_counter()
    for i in range(rows):
        predict(model, test_x.iloc[[i]])
    one = (time.perf_counter() - start) / rows * 1e6
    out = {"tool": name, "fit_seconds": fit, "predict_seconds": pred_time, "one_row_microseconds": one}
    if classification:
        labels = pred.argmax(axis=1)
        out.update(accuracy=metrics.accuracy_score(test_y, labels), f1_macro=metrics.f1_score(test_y, labels, average="macro"),
                   log_loss=metrics.log_loss(test_y, pred, labels=list(range(pred.shape[1]))))
    else:
        out.update(rmse=metrics.root_mean_squared_error(test_y, pred), mae=metrics.mean_absolute_error(test_y, pred), r2=metrics.r2_score(test_y, pred))
    print(json.dumps(out, sort_keys=True), flush=True)

if args.forest:
    cls = RandomForestClassifier if classification else RandomForestRegressor
    numeric_train = pd.get_dummies(train_x); numeric_test = pd.get_dummies(test_x).reindex(columns=numeric_train.columns, fill_value=0)
    train_x, test_x = numeric_train, numeric_test
    report("scikit-learn RandomForest", lambda: cls(n_estimators=100, n_jobs=2, random_state=0).fit(train_x, train_y),
           (lambda m, x: m.predict_proba(x)) if classification else (lambda m, x: m.predict(x)))
else:
    params = dict(n_estimators=100, num_leaves=31, learning_rate=0.1, max_bin=255, min_child_samples=20, n_jobs=2, verbose=-1)
    lgb_cls = lgb.LGBMClassifier if classification else lgb.LGBMRegressor
    report("LightGBM", lambda: lgb_cls(**params).fit(train_x, train_y),
           (lambda m, x: m.predict_proba(x)) if classification else (lambda m, x: m.predict(x)))
    sk_cls = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
    sk = lambda: sk_cls(max_iter=100, max_leaf_nodes=31, learning_rate=0.1, max_bins=255, min_samples_leaf=20,
                        early_stopping=False, categorical_features="from_dtype").fit(train_x, train_y)
    report("scikit-learn HistGradientBoosting", sk, (lambda m, x: m.predict_proba(x)) if classification else (lambda m, x: m.predict(x)))
