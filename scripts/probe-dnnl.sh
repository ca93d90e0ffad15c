#!/usr/bin/env bash
# Issue 33's first questions (see scripts/dnnl-probe/pom.xml): builds scripts/dnnl-probe against ND4J's oneDNN
# build for this CPU (EXTENSION, default linux-x86_64-onednn-avx512) and JavaCPP's oneDNN preset, then times
# resnet20's convolutions through libnd4j and through oneDNN directly, on THREADS threads (default 2).
# Prints "PROBE" lines. An argument names another probe of scripts/dnnl-probe to run instead (default Probe;
# scripts/probe-dnnl-inference.sh runs InferenceProbe).
set -euo pipefail
cd "$(dirname "$0")/dnnl-probe"
PROBE="${1:-Probe}"
EXTENSION="${EXTENSION:-linux-x86_64-onednn-avx512}"
mvn -B -q dependency:build-classpath -Dextension="$EXTENSION" -Dmdep.outputFile=target/classpath.txt
mkdir -p target/classes
javac -d target/classes -cp "$(cat target/classpath.txt)" "src/main/java/probe/$PROBE.java"
OMP_NUM_THREADS="${THREADS:-2}" java -Dorg.bytedeco.javacpp.platform.extension="${EXTENSION#linux-x86_64}" \
    -cp "target/classes:$(cat target/classpath.txt)" "probe.$PROBE" 2>&1 | grep -E "^PROBE|Exception|Error"
