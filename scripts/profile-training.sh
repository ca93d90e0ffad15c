#!/usr/bin/env bash
# Where a training step spends its time: trains 40 iterations of MODEL (alexnet-cifar unless set; resnet20 is the
# other network the benchmark measures) in the plugin's training
# configuration (oneDNN build, DL4J helpers on) under async-profiler's wall-clock sampler, then prints
# each layer type's share of the training thread, forward and backward. Pass "stock" to keep DL4J's
# own batch-norm and ReLU layers (before the fused batch norm). KEEP=file keeps the raw stacks. Pass
# "onednn" to run without the profiler and sum what oneDNN's verbose mode logs instead: the time of
# each convolution, pooling and reorder primitive per step, with the implementation oneDNN chose. Pass
# "ab <switch>" to time three alternating pairs of runs with one of the plugin's switches off and on.
# Linux x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
PROFILER=tools.profiler:async-profiler:4.1
mvn -B -q -pl cnn-maven-plugin -am test-compile
mvn -B -q dependency:get -Dartifact=$PROFILER -Dtransitive=false
mvn -B -q dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-onednn-avx512 -Dtransitive=false
WORK=$(mktemp -d)
KEEP="${KEEP:-}"
MODEL="${MODEL:-alexnet-cifar}"
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && jar xf "$REPO/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar" linux-x64/libasyncProfiler.so)
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
# the plugin's training JVM: exactly one native jar, the oneDNN build, and the helpers on
CP=$(echo "$CP" | tr ':' '\n' | grep -v 'nd4j-native-1.0.0-M2.1-linux-x86_64.jar' | paste -sd: -)
CP="cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP:$REPO/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx512.jar"
if [ "${1:-}" = ab ]; then
  # A/B of one of the plugin's switches (cnn.fusedBatchNorm, cnn.convolutionBackprop, cnn.singlePassRelu): three
  # alternating pairs of runs without the profiler, off then on, so that the machine's drift hits both alike
  for i in 1 2 3; do
    for opt in "-D$2=false" "-D$2=true"; do
      echo "$opt: $(OMP_NUM_THREADS=$(nproc) java -Xmx2g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512 \
          -Dorg.eclipse.deeplearning4j.helpers.disable=false "$opt" -cp "$CP" io.github.cnnmaven.benchmark.LayerProfile train "$MODEL" \
          2>&1 | grep 'trained at' | sed 's/ under the profiler//')"
    done
  done
  exit 0
fi
if [ "${1:-}" = onednn ]; then
  OMP_NUM_THREADS=$(nproc) DNNL_VERBOSE=1 ONEDNN_VERBOSE=1 java -Xmx2g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512 \
      -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp "$CP" io.github.cnnmaven.benchmark.LayerProfile train "$MODEL" > "$WORK/verbose.txt" 2>&1
  grep "trained at" "$WORK/verbose.txt"
  java -cp "$CP" io.github.cnnmaven.benchmark.LayerProfile onednn "$WORK/verbose.txt"
  exit 0
fi
OMP_NUM_THREADS=$(nproc) java -Xmx2g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512 \
    -Dorg.eclipse.deeplearning4j.helpers.disable=false \
    -agentpath:"$WORK/linux-x64/libasyncProfiler.so=start,event=wall,interval=2ms,threads,collapsed,file=$WORK/stacks.txt" \
    -cp "$CP" io.github.cnnmaven.benchmark.LayerProfile train "$MODEL" "${1:-}" 2>&1 | grep -v '^\[main\]'
java -cp "$CP" io.github.cnnmaven.benchmark.LayerProfile report "$WORK/stacks.txt"
[ -z "$KEEP" ] || cp "$WORK/stacks.txt" "$KEEP"
