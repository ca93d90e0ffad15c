#!/usr/bin/env bash
# A CIFAR-10-sized training run through the real plugin, to measure what a user's run costs: a
# synthetic archive in the official binary layout (50,000 + 10,000 images of 32×32×3), the sample
# project's alexnet-cifar configuration (batch norm, dropout, AdamW, 1cycle, crop4 + flip, batch 128,
# 10 % validation) for EPOCHS epochs (default 2), the plugin's default JVM settings. Prints each
# epoch's line, the training JVM's peak resident memory and the test accuracy. Linux x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-2}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mvn -B -q install -DskipTests -DskipITs
CP=$(cd cnn-maven-plugin && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
SHA=$(java -cp "cnn-maven-plugin/target/test-classes:cnn-maven-plugin/target/classes:$CP" \
    io.github.cnnmaven.benchmark.SyntheticCifar10 "$WORK/cifar-10-binary.tar.gz")
# The sample project's configuration, with this archive and a short epoch budget.
sed -e "s|<dataset>cifar10</dataset>|<dataset>cifar10</dataset><datasetUrl>file://$WORK/cifar-10-binary.tar.gz</datasetUrl><datasetSha256>$SHA</datasetSha256><cacheDir>$WORK/cache</cacheDir>|" \
    -e "s|<epochs>30</epochs>|<epochs>$EPOCHS</epochs>|" \
    -e "s|<minAccuracy>0.75</minAccuracy>||" \
    sample-project/classifier/pom.xml > "$WORK/pom.xml"
grep -q "$SHA" "$WORK/pom.xml"
START=$(date +%s)
mvn -B -f "$WORK/pom.xml" verify > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
grep -E "Backend:|total:|Epoch [0-9]+/|Peak resident|Test accuracy" "$WORK/build.log" | sed 's/^\[INFO\] //'
echo "build: $(( $(date +%s) - START )) s"
