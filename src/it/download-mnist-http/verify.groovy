def server = context.server
try {
    assert server.requests() == 4
    ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].each {
        assert server.requests("mnist/" + it) == 1
    }
    def log = new File(basedir, 'build.log').text
    assert log.contains('MNIST: 300 training and 100 test images, 28x28x1, 10 classes')
    def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/cnn/dataset.json'))
    assert json.inputShape == [1, 28, 28]
} finally {
    server.close()
}
return true
