// A real standalone cluster on loopback: a Master on the reserved port and one Worker with 2 cores.
context.spark = io.github.cnnmaven.testing.StandaloneSpark.start(new File(basedir, "spark-cluster").toPath(), itSparkPort as int, 2, itSparkClasspath)
return true
