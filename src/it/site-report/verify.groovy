def site = new File(basedir, 'target/site')
def overview = new File(site, 'project-reports.html').text
assert overview.contains('href="cnn-report.html"') : 'Project Reports links the CNN report'
assert overview.contains('CNN report')
def page = new File(site, 'cnn-report.html').text
assert page.contains('href="cnn/index.html"')
def report = new File(site, 'cnn/index.html').text
assert report.contains('id="chart-loss"') : 'after training the site carries the full report'
assert report.contains('id="confusion"')
assert !report.contains('id="missing"')
return true
