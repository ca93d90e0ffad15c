import groovy.json.JsonSlurper

try {
    def log = new File(basedir, 'build.log').text
    assert log.contains("Spark: training on spark://127.0.0.1:${itSparkPort}, 2 workers of 16 images a batch, averaged every 5 batches")
    def out = new File(basedir, 'target/cnn')
    def history = new JsonSlurper().parse(new File(out, 'history.json'))
    assert history.epochs.size() == 4
    assert history.epochs[3].trainLoss < history.epochs[0].trainLoss : "the loss falls: ${history.epochs}"
    def run = new JsonSlurper().parse(new File(out, 'run.json'))
    assert run.engine == 'spark'
    assert run.cluster.master == "spark://127.0.0.1:${itSparkPort}".toString()
    assert run.cluster.rounds == 24 : "rounds: ${run.cluster}"
    def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
    assert evaluation.accuracy > 0.3 : "learned the fixture (chance is 0.1): ${evaluation.accuracy}"
    // the first invocation trained the same POM on this machine
    def local = new File(basedir, 'target/cnn-local')
    assert new JsonSlurper().parse(new File(local, 'run.json')).engine == 'local'
    def localAccuracy = new JsonSlurper().parse(new File(local, 'evaluation.json')).accuracy
    assert Math.abs(evaluation.accuracy - localAccuracy) <= 0.1 : "cluster ${evaluation.accuracy}, this machine ${localAccuracy}"
    println "Test accuracy: ${localAccuracy} trained here, ${evaluation.accuracy} on the cluster"
    assert new File(out, 'model.zip').isFile()
    // the executors ran in JVMs of the worker's, not in the build's
    def executorLogs = new File(basedir, 'spark-cluster/work').listFiles()?.collect { app -> app.listFiles().toList() }?.flatten()
    assert executorLogs && executorLogs.any { new File(it, 'stderr').text.contains('CoarseGrainedExecutorBackend') } : "executor logs: ${executorLogs}"
} finally {
    context.spark?.close()
}
return true
