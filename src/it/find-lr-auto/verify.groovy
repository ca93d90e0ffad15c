import groovy.json.JsonSlurper

def server = context.server
try {
    def log = new File(basedir, 'build.log').text
    assert log.contains('find-lr: sweeping the learning rate from 1.00e-07 to 10.0 over 100 steps (adam, batch 32)')
    assert log =~ /find-lr suggests a learning rate of [\d.e-]+ \(method valley\)/
    assert log =~ /Learning rate [\d.e-]+ from find-lr \(lr-finder\.json\)/
    assert log.count('find-lr: sweeping') == 1 : 'the second build reuses the finder result'
    assert log.contains('find-lr is up to date: suggestion ')
    assert log.contains('Model is up to date (fingerprint ')

    def out = new File(basedir, 'target/cnn')
    def finder = new JsonSlurper().parse(new File(out, 'lr-finder.json'))
    assert finder.suggestion >= 1e-4 && finder.suggestion <= 1 : "suggestion ${finder.suggestion}"
    assert finder.method == 'valley'
    assert finder.points.size() > 20
    def history = new JsonSlurper().parse(new File(out, 'history.json'))
    assert Math.abs(history.epochs[0].learningRate - finder.suggestion) < 1e-9 : 'training ran at the suggested rate'
    def best = history.epochs*.validationAccuracy.max()
    assert best >= 0.90 : "validation accuracy ${best} with the suggested rate is below 0.90"
    def report = new File(out, 'report/index.html').text
    assert report.contains('id="chart-lr-finder"')
} finally {
    server.close()
}
return true
