import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('Backend: cuda (linux-x86_64), chosen because cnn.backend=auto found an NVIDIA driver')
// one warning with its cause (the CUDA backend cannot be had here) and the way out, then the CPU
assert log =~ /\[WARNING\] CUDA does not work on this machine, so this build trains on the CPU: Could not resolve the training backend.*nd4j-cuda-11\.6/
assert log.contains('cnn.cudaRuntime=bundled')
assert log.contains('Backend: cpu (linux-x86_64), chosen because CUDA did not work')
def out = new File(basedir, 'target/cnn')
def run = new JsonSlurper().parse(new File(out, 'run.json'))
assert run.deviceInfo.backend == 'CPU' : 'run.json records what the model was trained on'
assert new File(out, 'model.zip').isFile()
// cuda: the same cause fails the build, and no training started
assert log =~ /cnn\.backend=cuda, but CUDA does not work on this machine: Could not resolve the training backend/
assert log.count('Epoch 1/1 ') == 1 : 'only the CPU build trained'
out.eachFileRecurse { assert !it.name.contains('.tmp-') : "nothing half-written: $it" }
return true
