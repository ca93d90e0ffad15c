#!/usr/bin/env bash
# Time to accuracy on the real Fashion-MNIST (Debian's dataset-fashion-mnist): runs README's main job
# (the sample project's fashion-mnist-local profile) and prints, per epoch, the training minutes so
# far and the validation accuracy, then the test accuracy. With PRESETS="lenet5 alexnet-cifar", each
# preset also trains with the main job's recipe at the same budget (BUDGET minutes, default the main
# job's own), its <layers> replaced by the preset. Linux x86-64; takes about BUDGET minutes a run.
set -euo pipefail
cd "$(dirname "$0")/.."
PRESETS="${PRESETS:-}"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "Needs Debian's dataset-fashion-mnist (sample-project/run-offline.sh installs it)"; exit 1; }
mvn -B -q install -Dmaven.test.skip=true -DskipITs
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r sample-project/.mvn "$WORK/"

# One run: the POM given, in its own folder; prints the table.
run() {
  local name="$1" pom="$2" dir="$WORK/$1"
  # no gate (the POM's own <minAccuracy> would win over -Dcnn.minAccuracy): every run reports its figures
  mkdir -p "$dir" && cp -r "$WORK/.mvn" "$dir/" && sed -e 's|<minAccuracy>[0-9.]*</minAccuracy>||' "$pom" > "$dir/pom.xml"
  local start=$(date +%s)
  mvn -B -f "$dir/pom.xml" -Pfashion-mnist-local verify "${@:3}" > "$dir/build.log" 2>&1 \
    || { tail -30 "$dir/build.log"; return 1; }
  echo "== $name"
  grep -E "total: .* parameters|Time budget" "$dir/build.log" | sed 's/^\[INFO\] /  /'
  echo "  epoch  minutes  val acc"
  awk '/Epoch [0-9]+\/[0-9]+ /{
         for (i = 1; i <= NF; i++) { if ($i == "val") { acc = $(i + 4) } if ($i == "s") { secs = $(i - 1) } }
         split($3, e, "/"); total += secs; printf "  %5d  %7.2f  %s\n", e[1], total / 60, acc }' "$dir/build.log"
  grep -E "Kept the best epoch|Test accuracy" "$dir/build.log" | sed 's/^\[INFO\] /  /'
  echo "  build: $(( $(date +%s) - start )) s"
}

run main-job sample-project/classifier/pom.xml
for preset in $PRESETS; do
  # the main job's recipe with the preset instead of its own layers
  sed -e '/<layers>/,/<\/layers>/d' -e "s|<datasetUrl>file:///usr/share/datasets/fashion-mnist/</datasetUrl>|&<network>$preset</network>|" \
      sample-project/classifier/pom.xml > "$WORK/$preset.xml"
  run "$preset" "$WORK/$preset.xml"
done
