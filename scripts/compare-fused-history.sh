#!/usr/bin/env bash
# The fused batch norm + ReLU against DL4J's own layers, on the same seeded training: the main job's
# recipe on the real Fashion-MNIST (Debian's dataset-fashion-mnist) with alexnet-cifar's conv → batch
# norm → ReLU blocks, EPOCHS epochs (default 2) without a time budget, trained twice: fused (the
# default) and with -Dcnn.fusedBatchNorm=false. Prints both training histories side by side, their
# largest differences, and both test accuracies. Linux x86-64; about 6 minutes an epoch for both runs.
# SWITCH=cnn.oneDnnConvolution compares another of the plugin's switches the same way (its runs are named on and off).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-2}"
NETWORK="${NETWORK:-alexnet-cifar}"
SWITCH="${SWITCH:-cnn.fusedBatchNorm}"
ON=on; OFF=off
[ "$SWITCH" = cnn.fusedBatchNorm ] && { ON=fused; OFF=stock; }
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "Needs Debian's dataset-fashion-mnist (sample-project/run-offline.sh installs it)"; exit 1; }
mvn -B -q install -Dmaven.test.skip=true -DskipITs
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sed -e '/<layers>/,/<\/layers>/d' -e "s|<datasetUrl>file:///usr/share/datasets/fashion-mnist/</datasetUrl>|&<network>$NETWORK</network>|" \
    -e 's|<maxMinutes>[0-9.]*</maxMinutes>||' -e 's|<minEpochs>[0-9]*</minEpochs>||' -e 's|<minAccuracy>[0-9.]*</minAccuracy>||' \
    -e "s|<epochs>[0-9]*</epochs>|<epochs>$EPOCHS</epochs>|" sample-project/classifier/pom.xml > "$WORK/pom.xml"

for variant in "$ON" "$OFF"; do
  dir="$WORK/$variant"
  mkdir -p "$dir" && cp -r sample-project/.mvn "$dir/" && cp "$WORK/pom.xml" "$dir/pom.xml"
  extra=()
  [ "$variant" = "$OFF" ] && extra=(-Dcnn.argLine=-D$SWITCH=false)
  mvn -B -f "$dir/pom.xml" -Pfashion-mnist-local verify "${extra[@]}" > "$dir/build.log" 2>&1 \
    || { tail -30 "$dir/build.log"; exit 1; }
  grep -E "Backend: CPU, " "$dir/build.log" | tail -1 | sed "s/^\[INFO\] /$variant: /"
done

python3 - "$WORK" "$ON" "$OFF" <<'PY'
import json, sys, re
work, on, off = sys.argv[1:4]
h = {v: json.load(open(f"{work}/{v}/target/cnn/history.json"))["epochs"] for v in (on, off)}
keys = ["trainLoss", "validationLoss", "validationAccuracy"]
print(f"{'epoch':>5}  " + "  ".join(f"{k + ' ' + on:>24} {k + ' ' + off:>24}" for k in keys))
worst = {k: 0.0 for k in keys}
for f, s in zip(h[on], h[off]):
    cells = []
    for k in keys:
        cells.append(f"{f[k]:>24.6f} {s[k]:>24.6f}")
        worst[k] = max(worst[k], abs(f[k] - s[k]))
    print(f"{f['epoch']:>5}  " + "  ".join(cells))
print("largest difference: " + ", ".join(f"{k} {v:.6f}" for k, v in worst.items()))
for v in (on, off):
    log = open(f"{work}/{v}/build.log").read()
    acc = re.findall(r"Test accuracy[^\n]*", log)
    speed = re.findall(r"Epoch \d+/\d+ [^\n]*", log)
    print(f"{v}: {acc[-1] if acc else 'no test accuracy'}")
    for line in speed:
        print(f"  {v}: {line}")
PY
