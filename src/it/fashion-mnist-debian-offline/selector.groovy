// Needs Debian's dataset-fashion-mnist (.ci/run installs it); skipped elsewhere.
def present = new File('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz').isFile()
if (!present) {
    println 'WARNING: skipping fashion-mnist-debian-offline: apt-get install dataset-fashion-mnist to run it'
}
return present
