# Sourced by learning.sh and train-command.sh: the peers' virtualenv (LightGBM, scikit-learn and pandas from
# PyPI, in Benchmarks/work/venv-learning) as $python, with both tools held to 2 threads.
venv="$root/Benchmarks/work/venv-learning"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check lightgbm scikit-learn pandas
fi
python="$venv/bin/python"
export OMP_NUM_THREADS=2
