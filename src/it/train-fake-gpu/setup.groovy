// A fake NVIDIA driver: an executable nvidia-smi on the PATH (invoker.properties puts fakebin first).
def bin = new File(basedir, 'fakebin')
bin.mkdirs()
def smi = new File(bin, 'nvidia-smi')
smi.text = '#!/bin/sh\necho "NVIDIA-SMI 580.00  Driver Version: 580.00  CUDA Version: 13.0"\n'
smi.setExecutable(true)
context.server = io.github.cnnmaven.testing.FixtureServer.restartShared(itFixtures, itHttpPort)
return true
