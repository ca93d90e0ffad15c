import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('Spark: training on local[2] (cnn.spark.master) with [org.deeplearning4j:dl4j-spark_2.12:')
assert log.contains('Spark: training on local[2], 2 workers of 16 images a batch, averaged every 5 batches')
def out = new File(basedir, 'target/cnn')
def history = new JsonSlurper().parse(new File(out, 'history.json'))
assert history.epochs.size() == 4
assert history.epochs[3].trainLoss < history.epochs[0].trainLoss : "the loss falls: ${history.epochs}"
def run = new JsonSlurper().parse(new File(out, 'run.json'))
assert run.engine == 'spark'
assert run.cluster.master == 'local[2]'
assert run.cluster.workers == 2
// 900 training images an epoch (10 % validation), 2 workers x 5 batches x 16 images a round: 6 rounds an epoch
assert run.cluster.rounds == 24 : "rounds: ${run.cluster}"
def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
assert evaluation.accuracy > 0.3 : "learned the fixture (chance is 0.1): ${evaluation.accuracy}"
assert new File(out, 'model.zip').isFile()
assert new File(out, 'model.onnx').isFile()
assert new File(out, 'report/index.html').isFile()
def manifests = new File(basedir, 'target/spark-data').listFiles().collect { new File(it, 'manifest.json') }.findAll { it.isFile() }
assert manifests.size() == 1 : "one verified set of shards: ${manifests}"
return true
