package io.github.cnnmaven.mojo;

import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MojoTest
class PredictMojoTest {

    @TempDir
    Path temp;

    @Test
    @InjectMojo(goal = "predict", pom = TrainMojoTest.POM)
    void theImagesAreRequiredAndMustExistBeforeAnythingIsRead(PredictMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "outputDirectory", temp.toFile());
        assertEquals("The predict goal needs images: -Dcnn.images=<an image file or a folder of PNG or JPEG files>",
                assertThrows(MojoExecutionException.class, mojo::execute).getMessage());
        setVariableValueToObject(mojo, "images", temp.resolve("photos").toFile());
        assertEquals("Invalid value '" + temp.resolve("photos") + "' for cnn.images: an existing image file or folder",
                assertThrows(MojoExecutionException.class, mojo::execute).getMessage());
    }

    @Test
    @InjectMojo(goal = "predict", pom = TrainMojoTest.POM)
    void aMissingModelGetsEvaluatesMessage(PredictMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "outputDirectory", temp.toFile());
        setVariableValueToObject(mojo, "images", Files.createDirectories(temp.resolve("photos")).toFile());
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("No trained model at " + temp.resolve("model.zip")
                + ": the train goal produces it (mvn cnn:train"), e.getMessage());
        assertTrue(Files.notExists(temp.resolve("predictions.csv")));
    }
}
