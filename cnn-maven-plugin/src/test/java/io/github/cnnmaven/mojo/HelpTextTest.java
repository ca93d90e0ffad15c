package io.github.cnnmaven.mojo;

import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Balance;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Preset;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mvn cnn:help -Ddetail} (the mojo javadoc, as the plugin descriptor carries it) and
 * docs/configuration.md name every preset and closed choice the code accepts: a value added to the
 * code without them fails here.
 */
class HelpTextTest {

    private static final Path HELP = Path.of("target/classes/META-INF/maven/io.github.cnnmaven/cnn-maven-plugin/plugin-help.xml");
    private static final Path CONFIGURATION = Path.of("../docs/configuration.md");

    static Map<String, Collection<String>> accepted() {
        return Map.of(
                "network", Preset.ids(),
                "kernelSize", Preset.kernelSizeIds(),
                "augment", ids(Augment.values()),
                "schedule", ids(Schedule.values()),
                "optimizer", ids(Optimizer.values()),
                "balance", ids(Balance.values()));
    }

    static Collection<String> ids(Choice[] values) {
        return Stream.of(values).map(Choice::id).toList();
    }

    @Test
    void theHelpOfTheTrainGoalNamesEveryAcceptedValue() throws Exception {
        Element train = mojo("train");
        List<String> missing = new ArrayList<>();
        accepted().forEach((parameter, values) -> {
            String description = description(train, parameter);
            for (String value : values) {
                if (!description.matches("(?s).*\\b" + java.util.regex.Pattern.quote(value) + "\\b.*")) {
                    missing.add(parameter + ": " + value);
                }
            }
        });
        assertTrue(missing.isEmpty(), "the train goal's help (AbstractTrainingMojo's javadoc) misses " + missing);
    }

    @Test
    void configurationMdNamesEveryAcceptedValue() throws Exception {
        String doc = Files.readString(CONFIGURATION);
        List<String> missing = new ArrayList<>();
        accepted().forEach((parameter, values) -> values.stream()
                .filter(v -> !doc.contains("`" + v + "`") && !doc.matches("(?s).*\\b" + java.util.regex.Pattern.quote(v) + "\\b.*"))
                .forEach(v -> missing.add(parameter + ": " + v)));
        for (String property : TrainingConfig.PROPERTIES) {
            if (!doc.contains("cnn." + property) && !property.equals("layers")) {
                missing.add("property cnn." + property);
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md misses " + missing);
    }

    private static Element mojo(String goal) throws Exception {
        NodeList mojos = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(HELP.toFile())
                .getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            if (goal.equals(text(mojo, "goal"))) {
                return mojo;
            }
        }
        throw new AssertionError("no " + goal + " goal in " + HELP);
    }

    private static String description(Element mojo, String parameter) {
        NodeList parameters = mojo.getElementsByTagName("parameter");
        for (int i = 0; i < parameters.getLength(); i++) {
            Element p = (Element) parameters.item(i);
            if (parameter.equals(text(p, "name"))) {
                return text(p, "description");
            }
        }
        throw new AssertionError("the train goal has no parameter " + parameter);
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }
}
