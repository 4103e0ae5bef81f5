# Sourced by the data-versioning and remote benchmarks: makes the shared data set in "$data" once —
# one 1 GiB random file (big.bin) and 20,000 random 4 KiB files in 100 directories (small/).
if [ ! -f "$data/big.bin" ]; then
    mkdir -p "$data/small"
    head -c 1073741824 /dev/urandom >"$data/big.bin"
    python3 - "$data/small" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(20000):
    d = os.path.join(root, f"d{i % 100:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(4096))
PY
fi
