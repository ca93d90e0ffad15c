def site = new File(basedir, 'target/site')
assert new File(site, 'project-reports.html').text.contains('href="cnn-report.html"')
def page = new File(site, 'cnn-report.html').text
assert page.contains('Not available yet')
assert page.contains('run.json and history.json (run the train goal)')
assert page.contains('evaluation.json (run the evaluate goal)')
def report = new File(site, 'cnn/index.html').text
assert report.contains('id="missing"')
assert !new File(basedir, 'cache').exists() : 'a site never downloads or trains'
return true
