#!/usr/bin/env bash
# Training on Spark (cnn.spark.master=local[2]) against the plugin's own trainer, on the same Fashion-MNIST
# images, the same network and the same epochs, alternating: real Maven builds of a throw-away project, their
# history.json and run.json read back. Prints each run's images/s per epoch and best validation accuracy, and for
# Spark the averaging rounds, the mean seconds of a round and its overhead: a round's time less what the local
# trainer needs for its images.
# Settings: TRAIN_LIMIT (12000), EPOCHS (3), BATCH (64), PERIOD (cnn.spark.averagingPeriod, 5), REPEATS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "Needs Debian's dataset-fashion-mnist (sample-project/run-offline.sh installs it)"; exit 1; }
TRAIN_LIMIT="${TRAIN_LIMIT:-12000}" EPOCHS="${EPOCHS:-3}" BATCH="${BATCH:-64}" PERIOD="${PERIOD:-5}" REPEATS="${REPEATS:-2}"
mvn -B -q install -Dmaven.test.skip=true -DskipITs
VERSION=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=project.version -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>benchmark</groupId>
  <artifactId>spark</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>io.github.cnnmaven</groupId>
    <artifactId>cnn-maven-plugin</artifactId>
    <version>$VERSION</version>
    <configuration>
      <dataset>fashion-mnist</dataset>
      <datasetUrl>file:///usr/share/datasets/fashion-mnist/</datasetUrl>
      <trainLimit>$TRAIN_LIMIT</trainLimit>
      <network>lenet5</network>
      <epochs>$EPOCHS</epochs>
      <batchSize>$BATCH</batchSize>
    </configuration>
  </plugin></plugins></build>
</project>
POM
echo "lenet5 on $TRAIN_LIMIT Fashion-MNIST images, $EPOCHS epochs, batch $BATCH (Spark: 2 workers of $((BATCH / 2)), averaged every $PERIOD batches)"
printf '%-8s %-4s %-28s %10s %9s %7s %9s %15s\n' engine run "img/s per epoch" "median" "best val" rounds "s/round" "overhead/round"
for run in $(seq 1 "$REPEATS"); do
  for engine in local spark; do
    out="$WORK/target/$engine-$run"
    args=(-B -q -f "$WORK/pom.xml" cnn:train -Dcnn.fresh -Dcnn.outputDirectory="$out")
    [ "$engine" = spark ] && args+=(-Dcnn.spark.master='local[2]' -Dcnn.spark.averagingPeriod="$PERIOD"
                                  -Dcnn.spark.dataDir="$WORK/spark-data" -Dcnn.spark.conf=spark.driver.host=127.0.0.1)
    mvn "${args[@]}" > "$WORK/$engine-$run.log" 2>&1 || { tail -30 "$WORK/$engine-$run.log"; exit 1; }
    python3 - "$out" "$engine" "$run" "$WORK" <<'PY'
import json, statistics, sys, os
out, engine, run, work = sys.argv[1:]
epochs = json.load(open(os.path.join(out, "history.json")))["epochs"]
rate = [e["imagesPerSecond"] for e in epochs]
median = statistics.median(rate)
best = max(e["validationAccuracy"] for e in epochs)
line = "%-8s %-4s %-28s %10.0f %9.4f" % (engine, run, " ".join("%.0f" % r for r in rate), median, best)
cluster = json.load(open(os.path.join(out, "run.json"))).get("cluster")
if cluster:
    per_round = cluster["workers"] * cluster["batchPerWorker"] * cluster["averagingPeriod"]
    local = json.load(open(os.path.join(work, "target", "local-" + run, "history.json")))["epochs"]
    local_rate = statistics.median([e["imagesPerSecond"] for e in local])
    line += " %7d %9.3f %15.3f" % (cluster["rounds"], cluster["secondsPerRound"],
                                   cluster["secondsPerRound"] - per_round / local_rate)
print(line)
PY
  done
done
