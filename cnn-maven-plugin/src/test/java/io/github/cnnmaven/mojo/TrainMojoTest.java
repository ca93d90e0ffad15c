package io.github.cnnmaven.mojo;

import io.github.cnnmaven.config.Augment;

import io.github.cnnmaven.config.Optimizer;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.TrainingConfig;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train mojo's wiring: POM XML and descriptor defaults become the training configuration. */
@MojoTest
class TrainMojoTest {

    static final String POM = "src/test/resources/unit/train/pom.xml";

    @TempDir
    Path temp;

    @Test
    @InjectMojo(goal = "train", pom = POM)
    void pomConfigurationBecomesTheTrainingConfiguration(TrainMojo mojo) throws Exception {
        TrainingConfig c = mojo.trainingConfig();
        assertEquals(Optimizer.NESTEROV, c.optimizer());
        assertEquals(0.05, c.learningRate());
        assertEquals(List.of(10, 15), c.milestones());
        assertEquals(List.of(Augment.CROP4, Augment.FLIP), c.augment());
        assertEquals(3, c.layers().size());
        assertEquals(16, c.layers().get(0).filters);
        assertEquals("custom", c.networkName());
        assertEquals(20, c.epochs(), "the catalogue's default");
        assertEquals(128, c.batchSize());
        assertEquals(0.1, c.validationSplit());
        assertTrue(c.batchNorm());
    }

    @Test
    @InjectMojo(goal = "train", pom = POM)
    void whatIsNotSetKeepsTheCataloguesDefault(TrainMojo mojo) throws Exception {
        for (String set : List.of("optimizer", "learningRate", "schedule", "milestones", "augment", "layers")) {
            setVariableValueToObject(mojo, set, null);
        }
        assertEquals(TrainingConfig.defaults(), mojo.trainingConfig());
        setVariableValueToObject(mojo, "epochs", 3);
        setVariableValueToObject(mojo, "dropout", 0.25);
        assertEquals(TrainingConfig.builder().epochs(3).dropout(0.25).build(), mojo.trainingConfig());
    }

    @Test
    @InjectMojo(goal = "train", pom = POM)
    void badValuesNameTheirProperty(TrainMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "milestones", "ten");
        assertTrue(assertThrows(InvalidConfigurationException.class, mojo::trainingConfig).getMessage().contains("cnn.milestones"));
        setVariableValueToObject(mojo, "milestones", "10");
        setVariableValueToObject(mojo, "learningRate", "fast");
        assertTrue(assertThrows(InvalidConfigurationException.class, mojo::trainingConfig).getMessage()
                .startsWith("Invalid value 'fast' for cnn.learningRate"));
    }

    @Test
    @InjectMojo(goal = "train", pom = POM)
    void badConfigurationFailsBeforeAnyDownload(TrainMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "augment", "rotate");
        setVariableValueToObject(mojo, "cacheDir", temp.resolve("cache").toFile());
        setVariableValueToObject(mojo, "outputDirectory", temp.resolve("cnn").toFile());
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("cnn.augment"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("cache")));
    }

    @Test
    @InjectMojo(goal = "train", pom = POM)
    void sparkParametersBecomeTheForksSparkSettingsAndAnUnreachableMasterFailsBeforeAnyDownload(TrainMojo mojo)
            throws Exception {
        assertEquals(null, mojo.forkSettings().spark(), "no cnn.spark.master: this machine");
        setVariableValueToObject(mojo, "sparkMaster", "local[2]");
        setVariableValueToObject(mojo, "sparkAveragingPeriod", 10);
        setVariableValueToObject(mojo, "sparkDataDir", "spark-shards");
        setVariableValueToObject(mojo, "sparkConf", "spark.executor.memory=2g");
        io.github.cnnmaven.fork.SparkSettings spark = mojo.forkSettings().spark();
        assertEquals("local[2]", spark.master());
        assertEquals(10, spark.averagingPeriod());
        assertTrue(spark.dataDir().endsWith("spark-shards") && Path.of(spark.dataDir()).isAbsolute(), spark.dataDir());
        assertEquals(java.util.Map.of("spark.executor.memory", "2g"), spark.conf());

        setVariableValueToObject(mojo, "sparkMaster", "spark://127.0.0.1:1"); // nothing listens on port 1
        setVariableValueToObject(mojo, "cacheDir", temp.resolve("cache").toFile());
        setVariableValueToObject(mojo, "outputDirectory", temp.resolve("cnn").toFile());
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("cnn.spark.master spark://127.0.0.1:1 cannot be reached"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("cache")), "nothing downloaded");
    }
}
