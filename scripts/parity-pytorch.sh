#!/usr/bin/env bash
# Parity with PyTorch: the main job's recipe (sample-project/classifier, profile fashion-mnist-local)
# trained for EPOCHS epochs (default 5, no time budget) by the plugin and by PyTorch
# (scripts/parity/fashion_mnist_torch.py: the same data, split, normaliser, layers, initialisation,
# AdamW, 1cycle, flips and erasing as the POM says, label smoothing, the moving average of the weights, batch and best-epoch
# choice). Prints both test accuracies and their
# difference; exits 1 when they differ by more than 0.5 points. Installs Debian's python3-torch
# (1.13, CPU) when it is missing. Linux x86-64; about 2 x EPOCHS x 1.3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-5}"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "Needs Debian's dataset-fashion-mnist (sample-project/run-offline.sh installs it)"; exit 1; }
# Debian's package installs into the system Python (/usr/bin/python3), which may not be the first on PATH.
PY=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-torch
  PY=/usr/bin/python3
fi
mvn -B -q install -Dmaven.test.skip=true -DskipITs
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The POM's own settings win over -D properties: edit them instead. No time budget, EPOCHS epochs, no gate.
sed -e "s|<epochs>[0-9]*</epochs>|<epochs>$EPOCHS</epochs>|" -e "s|<maxMinutes>14</maxMinutes>||" -e "s|<minEpochs>[0-9]*</minEpochs>||" \
    -e "s|<minAccuracy>0.91</minAccuracy>||" -e "s|<minAccuracy>0.75</minAccuracy>||" \
    sample-project/classifier/pom.xml > "$WORK/pom.xml"
# every <epochs> (the build's and the profile's own) must now say EPOCHS
grep -q "<epochs>$EPOCHS</epochs>" "$WORK/pom.xml" && ! grep "<epochs>" "$WORK/pom.xml" | grep -vq "<epochs>$EPOCHS</epochs>" \
    || { echo "could not set the epochs in the POM"; exit 1; }
if grep -q "<maxMinutes>\|<minEpochs>" "$WORK/pom.xml"; then echo "could not remove the time budget from the POM"; exit 1; fi

echo "== cnn-maven-plugin ($EPOCHS epochs)"
mvn -B -f "$WORK/pom.xml" -Pfashion-mnist-local verify > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
grep -E "Epoch [0-9]+/|Kept the best epoch|Test accuracy" "$WORK/build.log" | sed 's/^\[INFO\] /  /'
PLUGIN=$(sed -n 's/.*Test accuracy \([0-9.]*\),.*/\1/p' "$WORK/build.log")

# the PyTorch network and augmentation as the profile's: one or two convolutions before each of its two pools, erasing
PROFILE=$(sed -n '/<id>fashion-mnist-local<\/id>/,/<\/profile>/p' "$WORK/pom.xml")
CONVS=$(grep -o '<type>conv</type>' <<< "$PROFILE" | wc -l)
POOLS=$(grep -o '<type>maxpool</type>' <<< "$PROFILE" | wc -l)
[ "$POOLS" = 2 ] && [ $((CONVS % 2)) = 0 ] || { echo "the profile's layers are not two blocks of convolutions and a pool"; exit 1; }
TORCH_ARGS=(--epochs "$EPOCHS" --convolutions-per-block $((CONVS / 2)))
grep -q '<augment>[^<]*erase' <<< "$PROFILE" && TORCH_ARGS+=(--erase)
echo "== PyTorch $("$PY" -c 'import torch; print(torch.__version__)') ($EPOCHS epochs, ${TORCH_ARGS[*]:2})"
"$PY" scripts/parity/fashion_mnist_torch.py "${TORCH_ARGS[@]}" | tee "$WORK/torch.log" | sed 's/^/  /'
TORCH=$(sed -n 's/^PyTorch test accuracy \([0-9.]*\)/\1/p' "$WORK/torch.log")

"$PY" - "$PLUGIN" "$TORCH" <<'PY'
import sys
plugin, torch = float(sys.argv[1]), float(sys.argv[2])
diff = (plugin - torch) * 100
print(f"== test accuracy: cnn-maven-plugin {plugin:.4f}, PyTorch {torch:.4f}, difference {diff:+.2f} points"
      f" ({'within' if abs(diff) <= 0.5 else 'NOT within'} 0.5 points)")
sys.exit(0 if abs(diff) <= 0.5 else 1)
PY
