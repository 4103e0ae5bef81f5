# Sourced by the serving and edge benchmarks, with $root, $work and $mlops set. Makes the MLflow virtualenv
# ($venv, $python; on PATH, since mlflow starts uvicorn by name), a repository in $repo (the working directory
# afterwards) where a GBDT predicting auto-mpg's mpg from seven features is trained, registered as mpg@1 and
# promoted to production, and the same kind of model for MLflow in $work/mlflow-model.
venv="$root/Benchmarks/work/venv-serving"
if [ ! -x "$venv/bin/mlflow" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check mlflow scikit-learn pandas
fi
python="$venv/bin/python"
export PATH="$venv/bin:$PATH"

repo="$work/repo"
mkdir -p "$repo" && cd "$repo"
git init -q && "$mlops" init -q
cp "$root/Examples/auto-mpg/data/auto-mpg.csv" .
features=(cylinders displacement horsepower weight acceleration year origin)
"$mlops" train -q --data auto-mpg.csv --target mpg "${features[@]/#/--feature=}" --categorical origin --name bench
run="$("$mlops" runs list --name bench --json | "$python" -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
"$mlops" model register -q "run:$run" --name mpg
"$mlops" model promote -q mpg@1 --to production

# The MLflow model: the same features, saved with cloudpickle (MLflow 3's default skops refuses the tree type).
"$python" - "$repo/auto-mpg.csv" "$work/mlflow-model" <<'PY'
import sys, pandas as pd, mlflow.sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
data, path = sys.argv[1:3]
frame = pd.read_csv(data)
features = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]
model = HistGradientBoostingRegressor(max_iter=100, max_leaf_nodes=31, learning_rate=0.1).fit(frame[features], frame["mpg"])
mlflow.sklearn.save_model(model, path, serialization_format="cloudpickle", input_example=frame[features].head(2))
PY
