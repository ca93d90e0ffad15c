// The fixture folder must be there (the plugin module generates it before the ITs run).
assert new File(itFixtures, 'shapes/test/square').isDirectory()
return true
