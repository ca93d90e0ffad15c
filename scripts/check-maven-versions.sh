#!/usr/bin/env bash
# Runs invoker ITs under other Mavens than the one building the plugin: by default the newest Maven 3.9
# and the newest Maven 4 that Maven Central serves, fetched like any artifact. Fails when an IT fails or
# when Maven reports a plugin validation issue (or any warning) naming cnn-maven-plugin.
# MAVEN_VERSIONS (space-separated) and ITS (comma-separated invoker.test) choose others.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS="${MAVEN_VERSIONS:-3.9.16 4.0.0-rc-4}"
ITS="${ITS:-bad-config-typos,model-registry}"
HOMES="$PWD/cnn-maven-plugin/target/mavens"
mkdir -p "$HOMES"

for v in $VERSIONS; do
  if [ ! -x "$HOMES/apache-maven-$v/bin/mvn" ]; then
    mvn -B -q -f cnn-maven-plugin/pom.xml dependency:copy -Dartifact="org.apache.maven:apache-maven:$v:tar.gz:bin" \
      -DoutputDirectory="$HOMES"
    tar xzf "$HOMES/apache-maven-$v-bin.tar.gz" -C "$HOMES"
  fi
  echo "== Maven $v: $ITS"
  "$HOMES/apache-maven-$v/bin/mvn" -v | head -1
  # The plugin is built by this Maven and installed into the ITs' repository; the ITs run under Maven $v.
  mvn -B -pl cnn-maven-plugin verify -DskipTests -Dinvoker.test="$ITS" -Dinvoker.mavenHome="$HOMES/apache-maven-$v" \
    -Dinvoker.mavenOpts="-Dmaven.plugin.validation=VERBOSE" > "$HOMES/maven-$v.log" 2>&1 \
    || { grep -E '^\[INFO\]   (Passed|The build exited)|^\[ERROR\]' "$HOMES/maven-$v.log" | tail -20; echo "FAILED under Maven $v"; exit 1; }
  grep -E '^\[INFO\]   Passed' "$HOMES/maven-$v.log"
  warnings=0
  for it in ${ITS//,/ }; do
    log="cnn-maven-plugin/target/it/$it/build.log"
    # Maven's own "Parameter 'learningrate' is unknown" is the typo an IT makes on purpose; anything else naming
    # the plugin, and any plugin validation report that lists it, is a problem.
    if grep -n '^\[WARNING\].*cnn-maven-plugin' "$log" | grep -v "Parameter '[a-z]*' is unknown for plugin"; then
      warnings=1
    fi
    if grep -A40 -i 'plugin validation' "$log" | grep -n 'cnn-maven-plugin'; then
      warnings=1
    fi
  done
  [ "$warnings" -eq 0 ] || { echo "FAILED: Maven $v warns about the plugin (above)"; exit 1; }
  echo "Maven $v: no warning names cnn-maven-plugin"
done
