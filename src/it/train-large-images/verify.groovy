import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('image folder: 120 training and 40 test images, 110x110x3, 10 classes; the input is 96x96, cropped out of them')
assert log.contains('Epoch 2/2  train loss')
def out = new File(basedir, 'target/cnn')
def history = new JsonSlurper().parse(new File(out, 'history.json'))
assert history.epochs.size() == 2
assert history.epochs[1].trainLoss < history.epochs[0].trainLoss : "the training loss falls: ${history.epochs*.trainLoss}"
def run = new JsonSlurper().parse(new File(out, 'run.json'))
assert run.model.parameters > 23000000 : "resnet50: ${run.model.parameters}"
// 120 images of 110x110x3 are 4.4 MB as bytes; the rest is the JVM, ND4J and resnet50's weights, Adam's state and activations
assert run.peakResidentMb > 100 && run.peakResidentMb < 3072 : "peak RSS ${run.peakResidentMb} MB"
println "resnet50 at 96 px, batch 8: peak RSS ${run.peakResidentMb} MB, training loss ${history.epochs*.trainLoss}"
def model = new JsonSlurper().parse(new java.util.zip.ZipFile(new File(out, 'model.zip')).with { z ->
    z.getInputStream(z.getEntry('cnn/metadata.json')) })
assert model.height == 96 && model.width == 96 && model.resizeTo == 110
// evaluate read the test images at 110 px and classified their centre
def evaluation = new JsonSlurper().parse(new File(out, 'evaluation.json'))
assert evaluation.testSet.count == 40
assert log.contains('Test accuracy ')
return true
