def log = new File(basedir, 'build.log').text
// The MNIST input (28x28x1) is known before any file is read: two 4x4 pools leave 1x1, too small for a 3x3 window.
assert log =~ /Layer conv\d+ \(the <layer> of type 'conv'\) cannot take input 1x1x1/
assert log.contains('checked against the MNIST input, 28x28x1, before anything was downloaded')
assert log.contains("Invalid value 'relu6' for layers[0].activation: the conv layer's activation")
assert !new File(basedir, 'cache').exists() : 'nothing is downloaded for a bad configuration'
return true
