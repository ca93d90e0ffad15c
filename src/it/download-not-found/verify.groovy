def server = context.server
try {
    assert server.requests() == 1 : "a 404 is not retried; the server saw ${server.requests()} requests"
    def log = new File(basedir, 'build.log').text
    assert log =~ /Download failed: HTTP 404 .* for http:\/\/127\.0\.0\.1:\d+\/cifar10\/no-such-file\.tar\.gz/
    assert !log.contains('retrying')
} finally {
    server.close()
}
return true
