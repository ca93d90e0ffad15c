import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def history = { name -> new JsonSlurper().parse(new File(basedir, "${name}/target/cnn/history.json")) }

// build B's log says what was loaded (resolved by coordinates from the local repository) and what was frozen
assert log =~ /Fine-tuning from .*fine-tune-source-1\.0-model\.zip \(cnn\.pretrained: lenet5, fingerprint \w+, trained on 10 classes\): the weights of \d+ layers loaded; the classifier output\d+ is new, for 5 classes/
assert log =~ /Epochs 1-1 train only the classifier output\d+ \(cnn\.freezeEpochs: every other layer keeps its pretrained weights\); then every layer trains/
assert log.count('Fine-tuning from') == 2 : 'the tuned and keras modules start from pretrained weights, scratch does not'
// build C: a Keras file's weights, paired in order, the Keras classifier left out
assert log =~ /Fine-tuning from .*lenet5-cifar\.h5 \(cnn\.pretrained: a Keras HDF5 file, 7 layers with weights, its classifier output\d+ left out\): the weights of 6 layers loaded; the classifier output\d+ is new, for 5 classes/
assert history('keras').epochs.size() == 1

def scratch = history('scratch')
def tuned = history('tuned')
assert scratch.epochs.size() == 3 && tuned.epochs.size() == 3
def best = { h -> h.epochs*.validationAccuracy.max() }
println "validation accuracy, best of 3 epochs: scratch ${best(scratch)}, fine-tuned ${best(tuned)}"
assert best(tuned) > best(scratch) : "fine-tuning ${best(tuned)} did not beat training from scratch ${best(scratch)}"
// the fingerprint covers the pretrained model: the two runs differ in it alone, apart from the freeze
assert tuned.fingerprint != scratch.fingerprint
return true
