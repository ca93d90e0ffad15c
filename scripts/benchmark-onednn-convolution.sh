#!/usr/bin/env bash
# Convolutions that call oneDNN themselves (the default) against libnd4j's conv2d / conv2d_bp through DL4J's oneDNN
# helper (-Dcnn.oneDnnConvolution=false), in the plugin's training JVM set-up (the
# oneDNN build of ND4J for this CPU, helpers on): TrainingBenchmark's training and inference images/s of
# NETWORKS (default "resnet20 alexnet-cifar") at batch 128, each in a JVM of its own, in the order off, on, on, off.
# Linux x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."
EXT=-onednn; grep -qw avx2 /proc/cpuinfo && EXT=-onednn-avx2; grep -qw avx512f /proc/cpuinfo && EXT=-onednn-avx512
mvn -B -q -pl cnn-maven-plugin -am test-compile
mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64$EXT -Dtransitive=false
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
    | sed 's/\x1b\[[0-9;]*m//g')
CP=${CP//nd4j-native-1.0.0-M2.1-linux-x86_64.jar/nd4j-native-1.0.0-M2.1-linux-x86_64$EXT.jar}
for network in ${NETWORKS:-resnet20 alexnet-cifar}; do
  for switch in false true true false; do
    printf '%-14s oneDNN convolutions %-5s ' "$network" "$switch"
    OMP_NUM_THREADS="${THREADS:-2}" java -Dorg.bytedeco.javacpp.platform.extension=$EXT \
        -Dorg.eclipse.deeplearning4j.helpers.disable=false -Dcnn.oneDnnConvolution=$switch -Xmx2g \
        -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
        io.github.cnnmaven.benchmark.TrainingBenchmark plugin "$network" 2>/dev/null | tr '\n' ' '
    echo
  done
done
