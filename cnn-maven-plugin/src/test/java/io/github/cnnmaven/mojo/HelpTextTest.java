package io.github.cnnmaven.mojo;

import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Balance;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Preset;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingProperty;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mvn cnn:help -Ddetail} (the mojo javadoc, as the plugin descriptor carries it) and
 * docs/configuration.md name every preset and closed choice the code accepts: a value added to the
 * code without them fails here.
 */
class HelpTextTest {

    private static final Path HELP = Path.of("target/classes/META-INF/maven/io.github.cnnmaven/cnn-maven-plugin/plugin-help.xml");
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");
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
        for (TrainingProperty property : TrainingProperty.values()) {
            if (property == TrainingProperty.LAYERS) {
                continue; // an XML element, documented in its own section
            }
            List<String> rows = doc.lines().filter(l -> l.startsWith("|") && l.contains("`" + property.property() + "`")).toList();
            if (rows.isEmpty()) {
                missing.add("a table row for " + property.property());
            } else if (property.defaultText() != null && !property.defaultText().isEmpty()
                    && rows.stream().noneMatch(r -> r.contains("`" + property.defaultText() + "`"))) {
                missing.add("the default `" + property.defaultText() + "` of " + property.property());
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md misses " + missing);
    }

    /**
     * The goals that train or check a model declare a parameter per catalogue property, under its -D name and
     * without a default of their own: the catalogue's default is the one that applies.
     */
    @Test
    void everyTrainingGoalDeclaresEveryCatalogueProperty() throws Exception {
        NodeList mojos = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile())
                .getElementsByTagName("mojo");
        List<String> wrong = new ArrayList<>();
        int goals = 0;
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            if (!List.of("train", "study", "evaluate", "find-lr").contains(text(mojo, "goal"))) {
                continue;
            }
            goals++;
            Element configuration = (Element) mojo.getElementsByTagName("configuration").item(0);
            for (TrainingProperty property : TrainingProperty.values()) {
                NodeList declared = configuration.getElementsByTagName(property.id());
                Element e = declared.getLength() == 0 ? null : (Element) declared.item(0);
                String where = text(mojo, "goal") + " " + property.id();
                if (property == TrainingProperty.LAYERS) {
                    description(mojo, "layers");
                } else if (e == null || !e.getTextContent().equals("${" + property.property() + "}")) {
                    wrong.add(where + ": not read from ${" + property.property() + "}");
                } else if (e.hasAttribute("default-value")) {
                    wrong.add(where + ": a default of its own, " + e.getAttribute("default-value"));
                }
            }
        }
        assertEquals(4, goals);
        assertTrue(wrong.isEmpty(), "the mojo parameters (AbstractTrainingMojo) disagree with TrainingProperty: " + wrong);
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
