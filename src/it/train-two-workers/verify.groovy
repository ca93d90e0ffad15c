import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('Data-parallel training on 2 CPU workers (DL4J ParallelWrapper')
assert log.contains('each takes 16 images of every batch of 32')
def out = new File(basedir, 'target/cnn')
def history = new JsonSlurper().parse(new File(out, 'history.json'))
assert history.epochs.size() == 4
assert history.epochs[3].trainLoss < history.epochs[0].trainLoss : "the loss falls: ${history.epochs}"
def run = new JsonSlurper().parse(new File(out, 'run.json'))
assert run.workers == 2
def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
assert evaluation.accuracy > 0.3 : "learned the fixture (chance is 0.1): ${evaluation.accuracy}"
assert new File(out, 'model.zip').isFile()
assert new File(out, 'report/index.html').isFile()
return true
