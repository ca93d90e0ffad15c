#!/usr/bin/env bash
# Does dl4j-spark 1.0.0-M2 train with the plugin's 1.0.0-M2.1 core on Spark 3.5.9 under Java 17?
# Builds scripts/spark-probe (dl4j-spark, Spark and the ND4J CPU backend for Linux x86-64, about 300 MB
# from Maven Central on a first run) and trains a tiny graph with SparkComputationGraph and
# ParameterAveragingTrainingMaster on MASTER (default local[2]). Prints "PROBE" lines: the score per
# epoch, then the accuracy on the training data (1.0 when it learned).
set -euo pipefail
cd "$(dirname "$0")/spark-probe"
MASTER="${MASTER:-local[2]}"
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
mkdir -p target/classes
javac -d target/classes -cp "$(cat target/classpath.txt)" src/main/java/probe/Probe.java
# Spark 3.5 on Java 17 needs these opened, as its own launcher scripts do
OPENS=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done
java $OPENS -cp "target/classes:$(cat target/classpath.txt)" probe.Probe "$MASTER" 2>&1 | grep -E "^PROBE|Exception"
