#!/usr/bin/env bash
# Time to accuracy on the real Fashion-MNIST (Debian's dataset-fashion-mnist): runs README's main job
# (the sample project's fashion-mnist-local profile) and prints, per epoch, the training minutes so
# far and the validation accuracy, then the test accuracy, and the test accuracy again with
# test-time augmentation (cnn.tta=flip) on the same model. With PRESETS="lenet5 alexnet-cifar", each
# preset also trains with the main job's recipe at a fixed budget (BUDGET minutes, default the main
# job's own), its <layers> replaced by the preset. With CIFAR=1, the README's second run (the sample's
# CIFAR-10 configuration) trains CIFAR_EPOCHS epochs (default 2) on a synthetic CIFAR-10-sized archive
# in the official layout, and its per-epoch time is projected to the configured 30 epochs. MAIN=0
# skips the main job (for CIFAR=1 or PRESETS alone). VARIANTS="name=sed-script ..." trains the main job once per
# variant, its POM edited by the sed script (no spaces; ';' between commands), e.g.
# VARIANTS='wd0.1=s|<weightDecay>0.05</weightDecay>|<weightDecay>0.1</weightDecay>|'; ARGS go to every build
# (docs/benchmarks.md's recipe table: MAIN=0 ARGS="-Dcnn.threads=1 -Dcnn.concurrentTrainings=2", two scripts at a time).
# Linux x86-64; takes about the budget a run (the main job's is 14 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESETS="${PRESETS:-}"
BUDGET="${BUDGET:-}"
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
  # shellcheck disable=SC2086  # ARGS: several Maven arguments
  mvn -B -f "$dir/pom.xml" -Pfashion-mnist-local verify ${ARGS:-} "${@:3}" > "$dir/build.log" 2>&1 \
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

if [ "${MAIN:-1}" = 1 ]; then
  run main-job sample-project/classifier/pom.xml
  # the same model, evaluated again with each test image averaged with its mirror image
  mvn -B -f "$WORK/main-job/pom.xml" -Pfashion-mnist-local cnn:download-dataset cnn:evaluate -Dcnn.tta=flip \
      > "$WORK/main-job/tta.log" 2>&1 || { tail -30 "$WORK/main-job/tta.log"; exit 1; }
  grep -E "Test accuracy" "$WORK/main-job/tta.log" | sed 's/^\[INFO\] /  tta=flip: /'
fi

for preset in $PRESETS; do
  # the main job's recipe with the preset instead of its own layers (and BUDGET minutes when set)
  sed -e '/<layers>/,/<\/layers>/d' -e "s|<datasetUrl>file:///usr/share/datasets/fashion-mnist/</datasetUrl>|&<network>$preset</network>|" \
      ${BUDGET:+-e "s|<maxMinutes>[0-9.]*</maxMinutes>|<maxMinutes>$BUDGET</maxMinutes>|"} \
      sample-project/classifier/pom.xml > "$WORK/$preset.xml"
  run "$preset${BUDGET:+ in $BUDGET minutes}" "$WORK/$preset.xml"
done

for variant in ${VARIANTS:-}; do
  sed -e "${variant#*=}" sample-project/classifier/pom.xml > "$WORK/variant.xml"
  cmp -s "$WORK/variant.xml" sample-project/classifier/pom.xml && { echo "variant ${variant%%=*} changes nothing"; exit 1; }
  run "${variant%%=*}" "$WORK/variant.xml"
done

[ "${CIFAR:-0}" = 1 ] || exit 0
# README's second run: the sample's CIFAR-10 configuration (alexnet-cifar, 30 epochs) on a synthetic
# archive of CIFAR-10's size and layout, for CIFAR_EPOCHS epochs; accuracy on random images means
# nothing, the time per epoch is what is projected.
CIFAR_EPOCHS="${CIFAR_EPOCHS:-2}"
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
mvn -B -q -pl cnn-maven-plugin test-compile
SHA=$(java -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
    io.github.cnnmaven.benchmark.SyntheticCifar10 "$WORK/cifar-10-binary.tar.gz")
mkdir -p "$WORK/cifar" && cp -r "$WORK/.mvn" "$WORK/cifar/"
sed -e "s|<dataset>cifar10</dataset>|<dataset>cifar10</dataset><datasetUrl>file://$WORK/cifar-10-binary.tar.gz</datasetUrl><datasetSha256>$SHA</datasetSha256><cacheDir>$WORK/cache</cacheDir>|" \
    -e "s|<epochs>[0-9]*</epochs>|<epochs>$CIFAR_EPOCHS</epochs>|" -e "s|<minAccuracy>0.75</minAccuracy>||" \
    sample-project/classifier/pom.xml > "$WORK/cifar/pom.xml"
grep -q "$SHA" "$WORK/cifar/pom.xml"
mvn -B -f "$WORK/cifar/pom.xml" verify > "$WORK/cifar/build.log" 2>&1 \
    || { tail -40 "$WORK/cifar/build.log"; exit 1; }
echo "== README's second run: CIFAR-10-sized synthetic archive, the sample's alexnet-cifar configuration"
grep -E "Epoch [0-9]+/|Peak resident" "$WORK/cifar/build.log" | sed 's/^\[INFO\] /  /'
CONFIGURED=$(sed -n 's|.*<epochs>\([0-9]*\)</epochs>.*|\1|p' sample-project/classifier/pom.xml | head -1)  # 30
awk -v n="$CONFIGURED" '/Epoch [0-9]+\/[0-9]+ /{ for (i = 1; i <= NF; i++) if ($i == "s") { secs = $(i - 1) } }
     END { printf "  last epoch %.1f s: %d epochs take about %.0f minutes\n", secs, n, secs * n / 60 }' "$WORK/cifar/build.log"
