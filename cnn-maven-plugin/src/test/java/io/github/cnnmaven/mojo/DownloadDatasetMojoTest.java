package io.github.cnnmaven.mojo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mojo's wiring: POM configuration and defaults reach the parameters, and the parameters reach the service. */
@MojoTest
class DownloadDatasetMojoTest {

    static final String POM = "src/test/resources/unit/download-dataset/pom.xml";

    @TempDir
    Path temp;

    void pointAtLocalArchive(DownloadDatasetMojo mojo) throws Exception {
        Path archive = temp.resolve("cifar-10-binary.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 10, 2, 3);
        setVariableValueToObject(mojo, "datasetUrl", archive.toUri().toString());
        setVariableValueToObject(mojo, "datasetSha256", Checksum.digest(archive, "SHA-256", false));
        setVariableValueToObject(mojo, "cacheDir", temp.resolve("cache").toFile());
        setVariableValueToObject(mojo, "outputDirectory", temp.resolve("cnn").toFile());
    }

    @Test
    @InjectMojo(goal = "download-dataset", pom = POM)
    void configurationAndDefaultsReachTheParameters(DownloadDatasetMojo mojo) throws Exception {
        assertEquals("cifar10", getVariableValueFromObject(mojo, "dataset"));
        assertEquals(40, getVariableValueFromObject(mojo, "trainLimit"));
        assertEquals(7L, getVariableValueFromObject(mojo, "seed"));
        assertEquals(32, getVariableValueFromObject(mojo, "imageSize"), "default from the descriptor");
        assertEquals("fine", getVariableValueFromObject(mojo, "cifar100Labels"));
    }

    @Test
    @InjectMojo(goal = "download-dataset", pom = POM)
    void writesDatasetJson(DownloadDatasetMojo mojo) throws Exception {
        pointAtLocalArchive(mojo);
        mojo.execute();
        JsonNode json = new ObjectMapper().readTree(temp.resolve("cnn/dataset.json").toFile());
        assertEquals("cifar10", json.get("dataset").asText());
        assertEquals(40, json.get("trainCount").asInt(), "cnn.trainLimit applied");
        assertEquals(10, json.get("testCount").asInt());
        assertEquals("square", json.get("classes").get(0).asText());
        assertTrue(Files.isDirectory(Path.of(json.get("location").asText())));
    }

    @Test
    @InjectMojo(goal = "download-dataset", pom = POM)
    void skipWritesNothing(DownloadDatasetMojo mojo) throws Exception {
        pointAtLocalArchive(mojo);
        setVariableValueToObject(mojo, "skipDownload", true);
        mojo.execute();
        setVariableValueToObject(mojo, "skipDownload", false);
        setVariableValueToObject(mojo, "skip", true);
        mojo.execute();
        assertFalse(Files.exists(temp.resolve("cnn")));
        assertFalse(Files.exists(temp.resolve("cache")));
    }

    @Test
    @InjectMojo(goal = "download-dataset", pom = POM)
    void unknownDatasetNamesTheProperty(DownloadDatasetMojo mojo) throws Exception {
        pointAtLocalArchive(mojo);
        setVariableValueToObject(mojo, "dataset", "imagenet");
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("Invalid value 'imagenet' for cnn.dataset: use one of cifar10, cifar100,"),
                e.getMessage());
    }

    @Test
    @InjectMojo(goal = "download-dataset", pom = POM)
    void folderNeedsItsDirectory(DownloadDatasetMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "dataset", "folder");
        setVariableValueToObject(mojo, "cacheDir", new File(temp.toFile(), "cache"));
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("cnn.datasetDir"), e.getMessage());
    }
}
