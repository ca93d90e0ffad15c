import groovy.json.JsonSlurper

def server = context.server
try {
    def log = new File(basedir, 'build.log').text
    assert log.contains('Backend: cpu (linux-x86_64)')
    // the oneDNN build with DL4J's layer helpers really on (the Nd4jCpu shim makes DL4J find them)
    assert log =~ /linux-x86_64-onednn(-avx512|-avx2)? for this CPU/
    // with AVX2 or AVX-512 the fork tells OpenBLAS its kernels (OpenBLAS 0.3.19 takes newer CPUs for a Prescott)
    assert !(log =~ /for this CPU \((AVX-512|AVX2)\)/) || log =~ /for this CPU \((AVX-512|AVX2)\); OpenBLAS's (SkylakeX|Haswell) kernels/
    assert log.contains('oneDNN layer helpers on, fused batch norm on 2 layers (2 with their ReLU)')
    assert log =~ /total: [\d,]+ parameters/
    assert log.contains('Epoch 8/8  train loss')
    assert log.count('Epoch 1/8 ') == 1 : 'the second build must not train again'
    assert log.contains('Model is up to date (fingerprint ')

    def out = new File(basedir, 'target/cnn')
    assert new File(out, 'model.zip').isFile()
    assert new File(out, 'checkpoints/last.zip').isFile()
    def history = new JsonSlurper().parse(new File(out, 'history.json'))
    assert history.epochs.size() == 8
    def best = history.epochs*.validationAccuracy.max()
    assert best >= 0.90 : "validation accuracy ${best} is below 0.90"
    ['epoch', 'trainLoss', 'trainAccuracy', 'validationLoss', 'validationAccuracy', 'learningRate', 'seconds',
     'imagesPerSecond'].each { assert history.epochs[0].containsKey(it) }
    def run = new JsonSlurper().parse(new File(out, 'run.json'))
    assert run.model.parameters > 100000
    assert run.dataset.trainCount == 2000
    // the training JVM's own high-water mark (ND4J's tensors live off the heap), logged and recorded
    assert run.peakResidentMb > 100 && run.peakResidentMb < 4096 : "peak RSS ${run.peakResidentMb} MB"
    assert log.contains("Peak resident memory of the training JVM: ${run.peakResidentMb} MB")

    // mvn install installed the model with classifier "model"
    def installed = new File(localRepositoryPath, 'it/train-shapes/1.0/train-shapes-1.0-model.zip')
    assert installed.isFile()
    assert installed.length() == new File(out, 'model.zip').length()
} finally {
    server.close()
}
return true
