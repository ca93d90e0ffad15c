#!/usr/bin/env bash
# Which algorithm and layout pay for the inference graph's convolutions (kernels.OneDnnInferenceConvolution's rule):
# builds scripts/dnnl-probe's InferenceProbe against JavaCPP's oneDNN preset and times resnet20's and alexnet-cifar's
# convolutions at batch 128 with a ReLU post-op, on THREADS threads (default 2): direct on NHWC and on the layout
# oneDNN chooses, Winograd on the layout it chooses (blocked), alone and with the NHWC input and output converted
# around it. Prints "PROBE" lines, in ms per call.
set -euo pipefail
cd "$(dirname "$0")/dnnl-probe"
EXTENSION="${EXTENSION:-linux-x86_64-onednn-avx512}"
mvn -B -q dependency:build-classpath -Dextension="$EXTENSION" -Dmdep.outputFile=target/classpath.txt
mkdir -p target/classes
javac -d target/classes -cp "$(cat target/classpath.txt)" src/main/java/probe/InferenceProbe.java
OMP_NUM_THREADS="${THREADS:-2}" OMP_WAIT_POLICY=PASSIVE java -cp "target/classes:$(cat target/classpath.txt)" probe.InferenceProbe 2>&1 \
    | grep -E "^PROBE|Exception|Error"
