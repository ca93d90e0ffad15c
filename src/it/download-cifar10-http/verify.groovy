def server = context.server
try {
    // Three builds, one request: the second and the offline third were served by the cache.
    assert server.requests() == 1 : "expected exactly one request, the server saw ${server.requests()}"
    def log = new File(basedir, 'build.log').text
    // build.log holds the three invocations one after the other
    assert log.count('Downloading http://127.0.0.1:') == 1
    assert log.count('Using cached cifar10 from') == 2
    assert log.contains('CIFAR-10: 2000 training and 500 test images, 32x32x3, 10 classes')
    assert log.contains('BUILD SUCCESS')

    def entries = new File(basedir, 'cache').listFiles().findAll { it.name.startsWith('cifar10-') }
    assert entries.size() == 1
    def entry = entries[0]
    assert new File(entry, 'entry.json').isFile()
    assert new File(entry, 'data/cifar-10-batches-bin/data_batch_5.bin').length() == 400 * 3073
    assert new File(entry, 'data/cifar-10-batches-bin/test_batch.bin').length() == 500 * 3073
    assert !entry.listFiles().any { it.name.contains('.tmp-') }

    def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/cnn/dataset.json'))
    assert json.dataset == 'cifar10'
    assert json.trainCount == 2000
    assert json.classes.size() == 10
} finally {
    server.close()
}
return true
