def log = new File(basedir, 'build.log').text
assert log =~ /Training diverged in epoch 1, iteration \d+: (the loss is (NaN|Infinity)|the smoothed loss is)/
assert log.contains('cnn.learningRate=1000000.0')
assert log.contains('mvn cnn:find-lr')
assert !new File(basedir, 'target/cnn/model.zip').exists()
return true
