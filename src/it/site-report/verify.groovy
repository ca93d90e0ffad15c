def site = new File(basedir, 'target/site')
def overview = new File(site, 'project-reports.html').text
assert overview.contains('href="cnn-report.html"') : 'Project Reports links the CNN report'
assert overview.contains('CNN report')
def page = new File(site, 'cnn-report.html').text
assert page.contains('href="cnn/index.html"')
// the site page is the report itself, in the site's skin: summary, gate, curves, confusion matrix, mistakes
assert page.contains('Summary')
assert page.contains('src="cnn/chart-loss.svg"') && new File(site, 'cnn/chart-loss.svg').text.contains('<svg')
assert page.contains('src="cnn/chart-accuracy.svg"')
assert page.contains('Confusion matrix (rows: true class, columns: predicted)')
assert page =~ /Misclassified test images: \d+ of \d+, the most confident mistakes first/
assert page =~ /src="cnn\/misclassified-\d+\.png"/
def report = new File(site, 'cnn/index.html').text
assert report.contains('id="chart-loss"') : 'after training the site carries the full report'
assert report.contains('id="confusion"')
assert !report.contains('id="missing"')
return true
