def log = new File(basedir, 'build.log').text
assert log.contains('Unknown parameter <learningrate> in the configuration of cnn-maven-plugin: did you mean <learningRate>?')
assert log.contains('Unknown property cnn.epoch: did you mean cnn.epochs?')
// the first goal of the build checks the training configuration: nothing is downloaded, train never starts
assert log =~ /(?s)cnn-maven-plugin:[^:]+:download-dataset \(default\).*Invalid value 'lenet7' for cnn\.network/
// the goal's own header: Maven 3.9 also names the execution when it warns about the misspelt parameter
assert !(log =~ /--- cnn-maven-plugin:[^:]+:train \(default\) @/) : 'train never runs after a failed check'
assert !new File(basedir, 'cache').exists() : 'nothing is downloaded for a bad configuration'
return true
