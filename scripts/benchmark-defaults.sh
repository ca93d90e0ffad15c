#!/usr/bin/env bash
# The defaults' learning curves: what a user who sets only <network> and <epochs> gets.
# 1. The synthetic shapes, in process (DefaultsBenchmark): per preset, validation accuracy per epoch
#    with today's defaults and with the defaults before the re-tune written out (dropout 0.5 on
#    alexnet-cifar), and SGD at its default rate (0.01) against 0.05 and the old 0.001.
#    SYNTHETIC=0 skips this part; PRESETS (comma-separated) and RECIPES (space-separated) choose others,
#    such as PRESETS=resnet20 RECIPES="defaults= nowd=weightDecay:0 sgd=optimizer:sgd ls=labelSmoothing:0.1".
#    SIDE, CLASSES and PER_CLASS choose the images: SIDE=64 CLASSES=3 PER_CLASS=40 with
#    PRESETS=alexnet,resnet34,resnet50,googlenet,vgg11 and RECIPES="b16=batchSize:16 b8=batchSize:8" is the
#    small 64-pixel folder the ImageNet presets' defaults must learn at batch 8-16.
# 2. With FASHION=1 (needs Debian's dataset-fashion-mnist): alexnet-cifar for EPOCHS (default 3)
#    epochs on the real Fashion-MNIST through the plugin, today's defaults against the old ones;
#    prints the validation accuracy per epoch and the test accuracy. About 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-3}"
if [ "${SYNTHETIC:-1}" = 1 ]; then
mvn -B -q -pl cnn-maven-plugin -am test-compile
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
    | sed 's/\x1b\[[0-9;]*m//g')
# As the plugin's training JVM runs on x86-64 Linux: the oneDNN build for this CPU with DL4J's helpers on
# (the generic build is several times slower, too slow for resnet20 here).
OPTS=()
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  EXT=-onednn; grep -qw avx2 /proc/cpuinfo && EXT=-onednn-avx2; grep -qw avx512f /proc/cpuinfo && EXT=-onednn-avx512
  mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64$EXT -Dtransitive=false
  CP=${CP//nd4j-native-1.0.0-M2.1-linux-x86_64.jar/nd4j-native-1.0.0-M2.1-linux-x86_64$EXT.jar}
  OPTS=(-Dorg.bytedeco.javacpp.platform.extension=$EXT -Dorg.eclipse.deeplearning4j.helpers.disable=false)
fi
# PRESETS and RECIPES (name=property:value;property:value ...) override what is swept; EXTRA_JAVA adds JVM options
# (such as -Dcnn.fusedBatchNorm=false)
# shellcheck disable=SC2086
java "${OPTS[@]}" ${EXTRA_JAVA:-} -Dside="${SIDE:-32}" -Dclasses="${CLASSES:-10}" -DperClass="${PER_CLASS:-100}" -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
    io.github.cnnmaven.benchmark.DefaultsBenchmark 5 "${PRESETS:-alexnet-cifar,lenet5}" ${RECIPES:-"defaults=" \
    "before=dropout:0.5" "sgd=optimizer:sgd" "sgd-0.05=optimizer:sgd;learningRate:0.05" \
    "sgd-0.001=optimizer:sgd;learningRate:0.001"} 2>"${BENCH_STDERR:-/dev/null}"
fi

[ "${FASHION:-0}" = 1 ] || exit 0
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "Needs Debian's dataset-fashion-mnist (sample-project/run-offline.sh installs it)"; exit 1; }
mvn -B -q install -Dmaven.test.skip=true -DskipITs
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
VERSION=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=project.version -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>benchmark</groupId><artifactId>defaults</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>io.github.cnnmaven</groupId><artifactId>cnn-maven-plugin</artifactId><version>$VERSION</version>
    <executions><execution><goals><goal>download-dataset</goal><goal>train</goal><goal>evaluate</goal></goals></execution></executions>
    <configuration>
      <dataset>fashion-mnist</dataset>
      <datasetUrl>file:///usr/share/datasets/fashion-mnist/</datasetUrl>
    </configuration>
  </plugin></plugins></build>
</project>
POM
for recipe in "defaults" "before -Dcnn.dropout=0.5"; do
  set -- $recipe
  name=$1; shift
  mvn -B -f "$WORK/pom.xml" verify -Dcnn.network=alexnet-cifar -Dcnn.epochs="$EPOCHS" -Dcnn.fresh=true "$@" \
      > "$WORK/$name.log" 2>&1 || { tail -30 "$WORK/$name.log"; exit 1; }
  echo "== alexnet-cifar on Fashion-MNIST, $EPOCHS epochs, $name ${*:-}"
  grep -E "Epoch [0-9]+/|Test accuracy" "$WORK/$name.log" | sed 's/^\[INFO\] /  /'
done
