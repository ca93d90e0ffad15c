package io.github.cnnmaven.mojo;

import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.model.Plugin;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3DomBuilder;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigurationCheckTest {

    static PluginDescriptor plugin() throws Exception {
        PluginDescriptor plugin = new PluginDescriptor();
        plugin.setGroupId("io.github.cnnmaven");
        plugin.setArtifactId("cnn-maven-plugin");
        MojoDescriptor train = new MojoDescriptor();
        train.setGoal("train");
        train.setPluginDescriptor(plugin);
        for (String name : List.of("epochs", "learningRate", "layers")) {
            Parameter p = new Parameter();
            p.setName(name);
            p.setEditable(true);
            p.setExpression(name.equals("layers") ? null : "${cnn." + name + "}");
            train.addParameter(p);
        }
        plugin.addMojo(train);
        return plugin;
    }

    static MavenProject project(String configuration) throws Exception {
        Plugin p = new Plugin();
        p.setGroupId("io.github.cnnmaven");
        p.setArtifactId("cnn-maven-plugin");
        p.setConfiguration(Xpp3DomBuilder.build(new StringReader(configuration)));
        Model model = new Model();
        model.setBuild(new Build());
        model.getBuild().addPlugin(p);
        return new MavenProject(model);
    }

    @Test
    void misspeltPropertiesAndParametersAreNamedWithTheClosestKnownName() throws Exception {
        Properties user = new Properties();
        user.setProperty("cnn.epoch", "3");
        user.setProperty("cnn.learningRate", "0.1");
        user.setProperty("other.property", "x");
        List<String> problems = ConfigurationCheck.problems(plugin(), project(
                "<configuration><learningrate>0.01</learningrate><epochs>3</epochs><layers/><zzz/></configuration>"),
                "default", user, new Properties());
        assertEquals(List.of("Unknown property cnn.epoch: did you mean cnn.epochs?",
                "Unknown parameter <learningrate> in the configuration of cnn-maven-plugin: did you mean <learningRate>?",
                "Unknown parameter <zzz> in the configuration of cnn-maven-plugin: no goal of this plugin reads it"
                        + " (mvn cnn:help -Ddetail lists them)"), problems);
    }

    @Test
    void aCleanConfigurationHasNoProblems() throws Exception {
        Properties system = new Properties();
        system.setProperty("cnn.epochs", "2");
        system.setProperty("cnn.mallocTrimSeconds", "5");
        assertEquals(List.of(), ConfigurationCheck.problems(plugin(), project("<configuration><epochs>3</epochs></configuration>"),
                null, new Properties(), system));
    }
}
