#!/usr/bin/env bash
# The inference graph's own layers (-Dcnn.inferenceLayers) against DL4J's, alternating in one command: the
# inference figure of scripts/benchmark-training.sh (folded, channels-last, batch 128, all the threads), each
# run a JVM of its own, in the order on, off, off, on per network (ROUNDS=n repeats it). Linux x86-64 with
# oneDNN's build for the CPU, as the plugin's training JVM picks it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
if grep -qw avx512f /proc/cpuinfo; then EXT=-onednn-avx512; elif grep -qw avx2 /proc/cpuinfo; then EXT=-onednn-avx2; else EXT=-onednn; fi
mvn -B -q -pl cnn-maven-plugin -am test-compile
mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64$EXT -Dtransitive=false
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
    | tr ':' '\n' | grep -v 'nd4j-native-1.0.0-M2.1-linux-x86_64.jar' | paste -sd:)
CP="cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP:$REPO/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64$EXT.jar"
run() { # network, on|off
  OPENBLAS_CORETYPE=SkylakeX java -Xmx4g -Dorg.bytedeco.javacpp.platform.extension=$EXT \
      -Dorg.eclipse.deeplearning4j.helpers.disable=false -Dcnn.inferenceLayers=$([ "$2" = on ] && echo true || echo false) \
      -cp "$CP" io.github.cnnmaven.benchmark.TrainingBenchmark plugin "$1" infer | awk -v n="$1" -v s="$2" \
      '$1 == "RESULT" && $2 ~ /infer$/ { printf "%-14s inference layers %-3s %8.1f images/s\n", n, s, $3 }'
}
for round in $(seq "${ROUNDS:-1}"); do
  for network in alexnet-cifar resnet20; do
    run "$network" on; run "$network" off; run "$network" off; run "$network" on
  done
done
