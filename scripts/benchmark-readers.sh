#!/usr/bin/env bash
# Prints how fast the dataset readers run (CIFAR-10-sized binary set; Fashion-MNIST when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl cnn-maven-plugin -am test-compile
mvn -B -q -pl cnn-maven-plugin exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=io.github.cnnmaven.benchmark.ReadBenchmark
