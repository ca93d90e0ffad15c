import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.count('Epoch 1/6 ') == 1 : 'trained once; the later builds found the model up to date'
assert log =~ /Test accuracy 0\.\d{4}, top-5 \d\.\d{4} on 500 images/
// lenet5's two conv → batch norm → ReLU blocks, folded for the test pass
assert log.contains('Inference graph: 2 batch-norm layer(s) folded into the preceding convolution')
// and run channels-last where oneDNN runs the layers (lenet5's flatten included)
assert log.contains("Inference graph: channels-last (NHWC), for oneDNN's direct convolution kernels")
// whose two 5x5 convolutions call oneDNN themselves (none suits Winograd)
assert log.contains('Inference graph: 2 convolution(s) calling oneDNN directly (ReLU as a post-op), Winograd on 0')
assert log.contains('[INFO] Accuracy gate passed: 1 rule met')
// the exact line of docs/gate.md, with the achieved accuracy
assert log =~ /\[ERROR\] Rule violated: test accuracy is 0\.\d{4}, but expected minimum is 0\.9999/
assert log.contains('[ERROR] Accuracy gate failed: 1 of 1 rules violated (see target/cnn/evaluation.json)')
assert log =~ /\[WARNING\] Rule violated: test accuracy is 0\.\d{4}, but expected minimum is 0\.9999/
assert log.contains('cnn.haltOnFailure is false: the build goes on')
// the baseline comparison: a DVC-style table, then the rule
assert log =~ /metric\s+baseline\s+now\s+change/
assert log =~ /accuracy\s+1\.0000\s+0\.\d{4}\s+-0\.\d{4}/
assert log =~ /Rule violated: test accuracy dropped by 0\.\d{4} from baseline 1\.0000, but allowed drop is 0\.0100/

def out = new File(basedir, 'target/cnn')
def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
assert evaluation.gate.passed == false
assert evaluation.gate.rules[0].rule == 'maxAccuracyDrop'
assert evaluation.perClass.size() == 10
assert evaluation.confusionMatrix.size() == 10
assert evaluation.testSet.count == 500
evaluation.misclassified.findAll { it.image }.each { assert new File(out, it.image).isFile() }
// a failed gate still leaves the report, rendered before the build failed
def report = new File(out, 'report/index.html').text
assert report.contains('Accuracy gate: <span class="bad">failed</span>')
assert report.contains('id="chart-loss"')
// the CI summary: the rule with actual, expected and outcome, the diff table, the best epoch, the report
def summary = new File(out, 'summary.md').text
assert summary.startsWith('## CNN accuracy gate: failed')
assert summary =~ /\| maxAccuracyDrop \| 0\.\d{4} \| 0\.0100 \| \*\*violated\*\*: test accuracy dropped by/
assert summary.contains('| metric | baseline | now | change |')
assert summary =~ /\| accuracy \| 1\.0000 \| 0\.\d{4} \| -0\.\d{4} \|/
assert summary =~ /Best epoch \d of 6/
assert summary.contains('Report: `target/cnn/report/index.html`')
def junit = new File(out, 'TEST-cnn-gate.xml').text
assert junit.contains('<testcase classname="cnn-gate" name="maxAccuracyDrop"')
assert junit.contains('<failure message="Rule violated: test accuracy dropped by')
return true
