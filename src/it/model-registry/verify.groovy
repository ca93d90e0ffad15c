import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
// 1.0: the first release gets a note, not a rule, and passes
assert log.contains('No baseline: no released model of it:model-registry in (,1.0) (a first release?). The baseline rule is left out')
// 1.1 and 1.2: each compared with the release before it, found in the project's repository
assert log.contains('Compared with the baseline it:model-registry:1.0:')
assert log.count('Compared with the baseline it:model-registry:1.1:') == 3 : '1.2, 1.1.5 (offline, from the local repository) and 1.3'
// 1.3: worse than the newest release of [1.0,1.2), and the message says which release and by how much
assert log =~ /Rule violated: test accuracy dropped by 0\.\d{4} from baseline \d\.\d{4} of it:model-registry:1\.1, but allowed drop is 0\.0100/
// a required baseline that was never released
assert log.contains('cnn.baseline it:never-released: no released model of it:never-released in (,1.3)')
assert log.contains('and cnn.requireBaseline is true')

// the registry holds, beside each released model, its evaluation and its model card; 1.3 was never deployed
def registry = new File(basedir, 'registry/it/model-registry')
['1.0', '1.1', '1.2'].each { v ->
    ['model.zip', 'model.onnx', 'evaluation.json', 'model-card.md'].each { f ->
        def classifier = f.startsWith('model.') ? 'model' : f.replaceFirst(/\.[a-z]+$/, '')
        def ext = f.substring(f.lastIndexOf('.') + 1)
        assert new File(registry, "${v}/model-registry-${v}-${classifier}.${ext}").isFile() : "${v}: ${f}"
    }
}
assert !new File(registry, '1.3').exists()
def metadata = new File(registry, 'maven-metadata.xml').text
assert metadata.contains('<release>1.2</release>')

def released = new JsonSlurper().parse(new File(registry, '1.2/model-registry-1.2-evaluation.json'))
assert released.baseline == 'it:model-registry:1.1'
assert released.gate.passed == true
assert released.gate.rules[0].rule == 'maxAccuracyDrop'
def card = new File(registry, '1.2/model-registry-1.2-model-card.md').text
assert card.startsWith('# Model card: model-registry\n\n`it:model-registry:1.2`')
assert card.contains('The Maven repository as the model registry')
assert card.contains('- Network: lenet5, ')
assert card.contains("- Fingerprint: `${released.fingerprint}`")
assert card.contains('| learningRate | 0.003 |')
assert card.contains('- Accuracy gate: passed (1 of 1 rules met; baseline it:model-registry:1.1).')

// the failed 1.3 build's summary and report name the release compared against
def out = new File(basedir, 'target/cnn')
def summary = new File(out, 'summary.md').text
assert summary.contains('Compared with the baseline it:model-registry:1.1:')
def report = new File(out, 'report/index.html').text
assert report.contains('<p>Baseline: it:model-registry:1.1</p>')
// and the release history: the three releases from the repository, then this build
def history = new JsonSlurper().parse(new File(out, 'releases.json'))
assert history.artifact == 'it:model-registry'
assert history.releases*.version == ['1.0', '1.1', '1.2', '1.3']
assert history.releases*.current == [false, false, false, true]
assert history.releases[0].perClass.size() == 10
assert summary.contains('Releases of it:model-registry:')
assert summary =~ /\| 1\.0 \| \d\.\d{4} \|  \|/
assert summary =~ /\| 1\.2 \| \d\.\d{4} \| \+0\.0000 \|/
assert summary =~ /\| 1\.3 \(this build\) \| 0\.\d{4} \| -0\.\d{4} \|/
assert report.contains('id="chart-releases"')
assert report.contains('<td>1.3 (this build)</td>')
assert log =~ /Release history of it:model-registry: 1\.0 \d\.\d{4}, 1\.1 / 
return true
