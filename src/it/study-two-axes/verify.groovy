import groovy.json.JsonSlurper
import java.util.zip.ZipFile

def killed = new File(basedir, 'killed-build.log').text
assert killed.contains("Study variant 1/4 'base' (the base configuration): training in")
assert killed.contains("Study variant 1/4 'base' finished: best validation accuracy")
assert !killed.contains('Study variant 4/4')

def log = new File(basedir, 'build.log').text
assert log.contains('Study, one-at-a-time over dropout (0.1, 0.6), batchNorm (true, false): 4 variants, each 3 epochs')
// the finished variant is not retrained; the others are
assert log.contains("Study variant 1/4 'base': already trained (fingerprint ")
assert !log.contains("Study variant 1/4 'base' (the base configuration): training in")
['dropout=0.1', 'dropout=0.6', 'batchNorm=false'].eachWithIndex { name, i ->
    assert log.contains("Study variant ${i + 2}/4 '${name}': training in")
}
assert log.count('Epoch 1/3 ') == 3 : 'three variants trained in this build, each once'
assert log.contains('Study (one-at-a-time over dropout, batchNorm), compared on validation accuracy:')

def out = new File(basedir, 'target/cnn')
def study = new JsonSlurper().parse(new File(out, 'study.json'))
assert study.variants*.name == ['base', 'dropout=0.1', 'dropout=0.6', 'batchNorm=false']
study.variants.each { v ->
    assert v.history.size() == 3
    ['name', 'settings', 'bestValidationAccuracy', 'bestEpoch', 'history'].each { assert v.containsKey(it) }
}
def best = study.variants.max { it.bestValidationAccuracy }
assert study.winner == best.name
assert log.contains("Winner: '${study.winner}' with validation accuracy")
assert study.variants.find { it.name == 'dropout=0.1' }.settings == [dropout: '0.1']

// the output directory's model is the winner's, and train accepts it
def metadata = new ZipFile(new File(out, 'model.zip')).withCloseable { zip ->
    new JsonSlurper().parse(zip.getInputStream(zip.getEntry('cnn/metadata.json')))
}
assert metadata.fingerprint == study.winnerFingerprint
assert log.contains("The model is the winner of the study of this configuration: '${study.winner}'")
assert log.contains('Model is up to date (fingerprint ' + study.winnerFingerprint)
// the winner is exported to ONNX once, by the study; train finds that export current
assert log.count('Exporting the model to ONNX') == 1
assert log.contains('ONNX model is up to date: ')
assert new File(out, 'model.onnx').isFile()

// evaluate tests the winner once; no variant was ever tested
assert log.contains("Using the winner of the study, '${study.winner}' (4 variants compared on validation")
assert log.count('Test accuracy ') == 1
assert new File(out, 'evaluation.json').isFile()
def tested = []
new File(out, 'study').eachFileRecurse { if (it.name == 'evaluation.json') tested << it }
assert tested.isEmpty()
assert log.contains('[INFO] Accuracy gate passed: 1 rule met')

// the report: the study table with the winner marked, one overlaid chart per axis
def html = new File(out, 'report/index.html').text
assert html.contains('id="study"')
assert html.contains('id="chart-study-dropout-accuracy"><svg')
assert html.contains('id="chart-study-batchNorm-accuracy"><svg')
assert html.contains('<span class="badge">winner</span>')
return true
