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
class EvaluateMojoTest {

    @TempDir
    Path temp;

    @Test
    @InjectMojo(goal = "evaluate", pom = TrainMojoTest.POM)
    void missingModelNamesTheGoalThatProducesIt(EvaluateMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "outputDirectory", temp.toFile());
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("No trained model at " + temp.resolve("model.zip")), e.getMessage());
        assertTrue(e.getMessage().contains("the train goal produces it (mvn cnn:train"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = TrainMojoTest.POM)
    void gateLimitsMustBeFractionsAndTheBaselineMustExist(EvaluateMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "outputDirectory", temp.toFile());
        setVariableValueToObject(mojo, "minAccuracy", "80.0");
        assertTrue(assertThrows(MojoExecutionException.class, mojo::execute).getMessage()
                .startsWith("Invalid value '80.0' for cnn.minAccuracy: use a fraction from 0 to 1"));
        setVariableValueToObject(mojo, "minAccuracy", "abc");
        assertEquals("Invalid value 'abc' for cnn.minAccuracy: use a fraction from 0 to 1, such as 0.8",
                assertThrows(MojoExecutionException.class, mojo::execute).getMessage());
        setVariableValueToObject(mojo, "minAccuracy", "0.8");
        setVariableValueToObject(mojo, "minClassAccuracy", "abc");
        assertEquals("Invalid value 'abc' for cnn.minClassAccuracy: use a fraction from 0 to 1, such as 0.8",
                assertThrows(MojoExecutionException.class, mojo::execute).getMessage());
        setVariableValueToObject(mojo, "minClassAccuracy", null);
        setVariableValueToObject(mojo, "baseline", temp.resolve("nope.json").toString());
        assertTrue(assertThrows(MojoExecutionException.class, mojo::execute).getMessage().contains("cnn.baseline"));
        Path bad = Files.writeString(temp.resolve("bad.json"), "{ not json");
        setVariableValueToObject(mojo, "baseline", bad.toString());
        String message = assertThrows(MojoExecutionException.class, mojo::execute).getMessage();
        assertTrue(message.startsWith("cnn.baseline " + bad + " is not a valid evaluation.json ("), message);
        assertTrue(message.endsWith("): point cnn.baseline at an evaluation.json that the evaluate goal wrote"
                + " (target/cnn/evaluation.json of a good run)"), message);
        assertTrue(!message.contains("delete"), "a committed file is never to be deleted: " + message);
        assertTrue(Files.notExists(temp.resolve("evaluation.json")));
    }
}
