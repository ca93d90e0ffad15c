#!/usr/bin/env bash
# Training throughput: ND4J out of the box vs. the plugin's training JVM on this host (oneDNN build
# for the CPU, DL4J layer helpers on). Prints train/inference images/s of alexnet-cifar and resnet20
# at batch 128, sgemm GFLOP/s, the input pipeline's images/s and peak RSS. Linux x86-64.
# Unless PEER=0, also the peer in the same command: the same networks in DJL 0.35.1 on PyTorch 2.7.1's
# CPU build (benchmarks/djl-peer, a project of its own: its 110 MB native jar never reaches the
# plugin), with each figure's ratio to the peer's and both sides' parameter counts. Each network runs in a
# JVM of its own, as the plugin trains one per JVM; with the peer, in the order plugin, peer, peer, plugin.
# ONEDNN=false: the plugin's convolutions go through libnd4j instead of calling oneDNN themselves (-Dcnn.oneDnnConvolution).
# ONEDNN_BATCH_NORM=false: the plugin's batch norm runs its Java kernels instead of oneDNN's (-Dcnn.oneDnnBatchNorm).
# BLOCKED=false: NCHW between the plugin's convolutions and batch norms, not oneDNN's blocked layout (-Dcnn.blockedActivations).
# INFERENCE_LAYERS=false: the plugin's inference graph keeps DL4J's layer objects (-Dcnn.inferenceLayers).
# SPLIT_BATCH=false: the plugin trains with every operation on all the threads instead of each batch split among
# one-threaded workers (-Dcnn.splitBatch); it measures inference in a JVM of all the threads either way.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"  # the local repository, where the native jars are fetched
mvn -B -q -pl cnn-maven-plugin -am test-compile
for v in onednn-avx512 onednn-avx2 onednn; do
  mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-$v -Dtransitive=false
done
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
PEER_CP=()
if [ "${PEER:-1}" = 1 ]; then
  mvn -B -q -f benchmarks/djl-peer/pom.xml compile
  PEER_CP=("benchmarks/djl-peer/target/classes:$(mvn -B -q -f benchmarks/djl-peer/pom.xml dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile=/dev/stdout | sed 's/\x1b\[[0-9;]*m//g')")
fi
java ${ONEDNN:+-Dcnn.oneDnnConvolution=$ONEDNN} ${ONEDNN_BATCH_NORM:+-Dcnn.oneDnnBatchNorm=$ONEDNN_BATCH_NORM} ${BLOCKED:+-Dcnn.blockedActivations=$BLOCKED} ${INFERENCE_LAYERS:+-Dcnn.inferenceLayers=$INFERENCE_LAYERS} ${SPLIT_BATCH:+-Dcnn.splitBatch=$SPLIT_BATCH} -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
    io.github.cnnmaven.benchmark.BenchmarkRunner "$REPO" "${PEER_CP[@]}"
