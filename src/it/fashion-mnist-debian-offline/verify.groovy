def log = new File(basedir, 'build.log').text
assert log.contains('Fashion-MNIST: 60000 training and 10000 test images, 28x28x1, 10 classes')
def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/cnn/dataset.json'))
assert json.classes[9] == 'Ankle boot'
return true
