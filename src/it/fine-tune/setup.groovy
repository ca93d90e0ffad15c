assert new File(itFixtures, 'shapes-few/train/plus').isDirectory()
assert !new File(itFixtures, 'shapes-few/train/square').exists()
return true
