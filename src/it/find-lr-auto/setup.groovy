context.server = io.github.cnnmaven.testing.FixtureServer.restartShared(itFixtures, itHttpPort)
return true
