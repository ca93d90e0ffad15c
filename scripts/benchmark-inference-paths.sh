#!/usr/bin/env bash
# The inference graph's code paths against each other (benchmark/InferencePaths): the inference figure of
# scripts/benchmark-training.sh (folded, channels-last, batch 128, all the threads) for each variant, in ONE JVM per
# network, alternating 4 s windows for ROUNDS rounds (default 6). A variant is the switches set to false while its
# graph is built, or "default"; VARIANTS (separated by |) defaults to DL4J's layer objects, libnd4j's convolutions,
# the plugin's without Winograd, and the default. NETWORKS defaults to "resnet20 alexnet-cifar". Linux x86-64 with
# oneDNN's build for the CPU, as the plugin's forks pick it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
CORE=
if grep -qw avx512f /proc/cpuinfo; then EXT=-onednn-avx512 CORE=SkylakeX; elif grep -qw avx2 /proc/cpuinfo; then EXT=-onednn-avx2 CORE=Haswell; else EXT=-onednn; fi
mvn -B -q -pl cnn-maven-plugin -am test-compile
mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64$EXT -Dtransitive=false
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
    | tr ':' '\n' | grep -v 'nd4j-native-1.0.0-M2.1-linux-x86_64.jar' | paste -sd:)
CP="cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP:$REPO/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64$EXT.jar"
VARIANTS="${VARIANTS:-cnn.inferenceLayers|cnn.oneDnnConvolution|cnn.winogradInference|default}"
for network in ${NETWORKS:-resnet20 alexnet-cifar}; do
  # the evaluate fork's environment (fork.ForkConfiguration): passive OpenMP waiting, OpenBLAS told its kernels
  env OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=1048576 ${CORE:+OPENBLAS_CORETYPE=$CORE} java -Xmx4g \
      -Dorg.bytedeco.javacpp.platform.extension=$EXT -Dorg.eclipse.deeplearning4j.helpers.disable=false \
      -cp "$CP" io.github.cnnmaven.benchmark.InferencePaths "$network" "$VARIANTS" "${ROUNDS:-6}" 2>&1 \
      | grep -vE '^\s*$|INFO|WARN'
done
