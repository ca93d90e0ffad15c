def log = new File(basedir, 'build.log').text
assert log.contains("Invalid value 'lenet7' for cnn.network: use one of alexnet, alexnet-cifar, googlenet, lenet5")
assert log.contains("Invalid value '-0.1' for cnn.learningRate")
assert log.contains("Invalid value '1.0' for cnn.validationSplit")
assert log.contains("Invalid value 'rotate' for cnn.augment: use a comma list of crop4, flip, jitter, cutout")
assert log.contains("Invalid value '0' for cnn.threads: use a positive number of threads")
assert !new File(basedir, 'cache').exists() : 'nothing is downloaded for a bad configuration'
return true
