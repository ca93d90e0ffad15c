import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'trainer/target/cnn')

// 1: the export, written next to model.zip and installed with type onnx, classifier model
assert log =~ /Wrote .*model\.onnx \(ONNX opset 13, \d+ nodes; input 'pixels' float \[batch, 3, 32, 32\] of raw pixels 0-255/
assert new File(out, 'model.onnx').isFile()
def installed = new File(basedir, '../../it-repo/it/onnx-trainer/1.0/onnx-trainer-1.0-model.onnx')
assert installed.isFile() : "not installed: ${installed}"
assert installed.bytes == new File(out, 'model.onnx').bytes

// 2: predict names the unreadable file and classifies the rest
assert log =~ /\[WARNING\] Skipped .*broken\.png: /
assert log =~ /disc-00001\.png: \w+ [01]\.\d{3}, \w+ [01]\.\d{3}, \w+ [01]\.\d{3}/
assert log.contains('Classified 3 image(s) with custom (32x32x3); skipped 1 unreadable: ')
def csv = new File(out, 'predictions.csv').readLines()
assert csv[0] == 'file,top1,probability1,top2,probability2,top3,probability3'
assert csv.size() == 4
assert csv.any { it.startsWith('square-00000.png,') }

// 3: the application's own test, with the model from the local repository, matched evaluation.json
def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
assert log.contains("ONNX Runtime: ") && log.contains("of 100 test images right, accuracy ${evaluation.accuracy}")
assert log =~ /Tests run: 1, Failures: 0, Errors: 0, Skipped: 0/
assert evaluation.accuracy > 0.3 : "the model learned nothing: ${evaluation.accuracy}"
return true
