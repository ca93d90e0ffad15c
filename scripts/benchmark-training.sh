#!/usr/bin/env bash
# Training throughput: ND4J out of the box vs. the plugin's training JVM on this host (oneDNN build
# for the CPU, DL4J layer helpers on). Prints train/inference images/s of alexnet-cifar and resnet20
# at batch 128, sgemm GFLOP/s, the input pipeline's images/s and peak RSS. Linux x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"  # the local repository, where the native jars are fetched
mvn -B -q -pl cnn-maven-plugin -am test-compile
for v in onednn-avx512 onednn-avx2 onednn; do
  mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-$v -Dtransitive=false
done
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
java -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
    io.github.cnnmaven.benchmark.BenchmarkRunner "$REPO"
