package io.github.cnnmaven.mojo;

import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.StudyMode;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.study.StudySpec;
import io.github.cnnmaven.study.StudyVariant;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import io.github.cnnmaven.workflow.RunStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study mojo's wiring: the POM's nested {@code <study>} element, in declared order, becomes the plan. */
@MojoTest
class StudyMojoTest {

    static final String POM = "src/test/resources/unit/study/pom.xml";

    @TempDir
    Path temp;

    @Test
    @InjectMojo(goal = "study", pom = POM)
    void theStudyElementBecomesTheSpecInDeclaredOrder(StudyMojo mojo) throws Exception {
        StudySpec spec = mojo.studySpec();
        assertEquals(StudyMode.GRID, spec.mode());
        assertEquals(List.of("schedule", "dropout", "augment"), List.copyOf(spec.axes().keySet()));
        assertEquals(List.of("none", "crop4,flip"), spec.axes().get("augment"));
        List<StudyVariant> variants = RunStudy.plan(mojo.trainingConfig(), spec, "data", mojo.trainingSetup().learningRate());
        assertEquals(8, variants.size());
        assertEquals("schedule=constant, dropout=0.1, augment=none", variants.get(0).name());
        assertEquals(4, variants.get(7).config().epochs(), "the base's epoch budget, for every variant");
    }

    @Test
    @InjectMojo(goal = "study", pom = POM)
    void anOptimizerAxisTakesEachOptimizersDefaultRateUnlessTheRateIsSet(StudyMojo mojo) throws Exception {
        Object declaration = getVariableValueFromObject(mojo, "study");
        setVariableValueToObject(declaration, "mode", null);
        setVariableValueToObject(declaration, "axes", new java.util.LinkedHashMap<>(java.util.Map.of("optimizer", "adam,sgd")));
        assertEquals(LearningRate.OPTIMIZER_DEFAULT, mojo.trainingSetup().learningRate(), "the test POM sets no cnn.learningRate");
        List<StudyVariant> variants = RunStudy.plan(mojo.trainingConfig(), mojo.studySpec(), "data",
                mojo.trainingSetup().learningRate());
        assertEquals(List.of(0.001, 0.01), variants.stream().map(v -> v.config().learningRate()).toList());

        setVariableValueToObject(mojo, "learningRate", "0.002");
        assertEquals(new LearningRate.Fixed(0.002), mojo.trainingSetup().learningRate());
        variants = RunStudy.plan(mojo.trainingConfig(), mojo.studySpec(), "data", mojo.trainingSetup().learningRate());
        assertEquals(List.of(0.002, 0.002), variants.stream().map(v -> v.config().learningRate()).toList(),
                "a rate the POM gives is every variant's");
    }

    @Test
    @InjectMojo(goal = "study", pom = POM)
    void withoutAStudyOrValidationTheGoalSaysWhatToDeclare(StudyMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "validationSplit", 0.0);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> RunStudy.plan(mojo.trainingConfig(), mojo.studySpec(), "data", LearningRate.OPTIMIZER_DEFAULT))
                .getMessage().startsWith("Invalid value '0.0' for cnn.validationSplit: a study compares variants on validation"));
        setVariableValueToObject(mojo, "validationSplit", 0.1);
        setVariableValueToObject(mojo, "study", null);
        setVariableValueToObject(mojo, "cacheDir", temp.resolve("cache").toFile());
        setVariableValueToObject(mojo, "outputDirectory", temp.resolve("cnn").toFile());
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("The study goal needs a <study> in its <configuration>"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("cache")), "nothing is downloaded for a bad configuration");
    }
}
