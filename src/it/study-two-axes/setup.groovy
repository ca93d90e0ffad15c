// Runs the build in a separate Maven, and kills that Maven (SIGKILL) as soon as the first study
// variant has finished: a killed CI job. The forked study JVM must stop with it (it watches its
// stdin), and the invoker's build afterwards must resume without retraining the finished variant.
import java.util.concurrent.TimeUnit

def settings = new File(basedir, 'killed-settings.xml')
settings.text = """<settings>
  <mirrors><mirror><id>outer</id><mirrorOf>*</mirrorOf><url>${new File(outerRepository).toURI()}</url></mirror></mirrors>
  <pluginGroups><pluginGroup>io.github.cnnmaven</pluginGroup></pluginGroups>
</settings>"""
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def maven = new ProcessBuilder(mvn, '-B', '-s', settings.path, "-Dmaven.repo.local=${localRepositoryPath}", 'verify')
        .directory(basedir).redirectErrorStream(true).start()
def log = new File(basedir, 'killed-build.log')
def forks = []
boolean killed = false
log.withWriter { out ->
    maven.inputStream.eachLine { line ->
        out.println(line)
        if (!killed && line.contains("Study variant 1/4 'base' finished")) {
            forks = maven.toHandle().descendants().toList()
            maven.toHandle().destroyForcibly()   // SIGKILL to Maven alone, not to its children
            killed = true
        }
    }
}
maven.waitFor(60, TimeUnit.SECONDS)
assert killed : "the first variant never finished; see ${log}"
assert !forks.isEmpty() : 'the study runs in a forked JVM'
long deadline = System.currentTimeMillis() + 30_000
while (forks.any { it.isAlive() } && System.currentTimeMillis() < deadline) {
    Thread.sleep(200)
}
assert !forks.any { it.isAlive() } : 'the forked study JVM outlived the killed Maven'
return true
