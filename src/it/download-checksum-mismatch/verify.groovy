def server = context.server
try {
    def log = new File(basedir, 'build.log').text
    assert log.contains('Checksum mismatch for http://127.0.0.1:')
    assert log.contains('expected SHA-256:0000000000000000000000000000000000000000000000000000000000000000')
    assert log.contains('Nothing was cached')
    def cache = new File(basedir, 'cache')
    def entries = cache.exists() ? cache.listFiles().findAll { it.name != '.locks' } : []
    assert entries.isEmpty() : "the cache must hold nothing, found ${entries}"
} finally {
    server.close()
}
return true
