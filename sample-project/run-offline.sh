#!/usr/bin/env bash
# README's main job: builds the plugin, makes sure Debian's Fashion-MNIST is installed, and runs
# the sample project on it with no internet. Extra arguments go to the sample's Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=/usr/share/datasets/fashion-mnist
if [ ! -f "$DATA/train-images-idx3-ubyte.gz" ]; then
  echo "Installing Debian's dataset-fashion-mnist (the real Fashion-MNIST, 30 MB)..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq dataset-fashion-mnist
fi

# Builds the plugin without compiling or running its tests, so without their native jar; on a first run
# Maven lists every file it downloads ("Downloading from central: ...").
echo "== Building the plugin (tests skipped)"
mvn -B install -Dmaven.test.skip=true -DskipITs
echo "== Running the sample project (the training JVM's native backend is resolved on first use)"
mvn -B -f sample-project/pom.xml -Pfashion-mnist-local verify "$@"
