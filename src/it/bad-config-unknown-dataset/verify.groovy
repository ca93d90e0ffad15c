def log = new File(basedir, 'build.log').text
assert log.contains("Invalid value 'imagenet' for cnn.dataset: use one of cifar10, cifar100, mnist, fashion-mnist, folder, archive")
assert !new File(basedir, 'cache').exists()
return true
