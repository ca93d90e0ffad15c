def server = context.server
try {
    assert server.requests() == 0 : 'offline must never touch the network'
    def log = new File(basedir, 'build.log').text
    assert log.contains("Dataset 'cifar10' is not in the cache")
    assert log.contains(new File(basedir, 'cache').canonicalPath) || log.contains(new File(basedir, 'cache').absolutePath)
    assert log.contains('Run the build once without -o')
    assert log.contains('BUILD FAILURE')
    def cache = new File(basedir, 'cache')
    assert !cache.exists() || !cache.listFiles().any { it.name.startsWith('cifar10-') }
} finally {
    server.close()
}
return true
