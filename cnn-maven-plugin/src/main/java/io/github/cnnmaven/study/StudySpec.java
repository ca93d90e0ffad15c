package io.github.cnnmaven.study;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.StudyMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study as the POM declares it: the mode, and the axes in declaration order, each a training
 * property (without the {@code cnn.} prefix) with the values to try.
 *
 * @param axes property name to its values, as text, in the order declared
 */
public record StudySpec(StudyMode mode, Map<String, List<String>> axes) {

    /** How the POM element is named in messages. */
    static final String AXES_ELEMENT = "<study><axes>";

    public StudySpec {
        axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    }

    /**
     * Parses the declaration. Values are comma-separated; where a value itself holds commas (an
     * {@code augment} list, {@code milestones}), separate the values with {@code |} instead.
     */
    public static StudySpec parse(String mode, Map<String, String> axes) throws InvalidConfigurationException {
        StudyMode m = mode == null || mode.isBlank() ? StudyMode.ONE_AT_A_TIME : Choice.find(StudyMode.class, mode);
        if (m == null) {
            throw InvalidConfigurationException.of("<study><mode>", mode, "use " + StudyMode.ONE_AT_A_TIME.id()
                    + " (the default) or " + StudyMode.GRID.id());
        }
        if (axes == null || axes.isEmpty()) {
            throw new InvalidConfigurationException("The study declares no axes: add <study><axes> with at least one"
                    + " training property and its values, such as <dropout>0.1,0.3,0.5</dropout>");
        }
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> axis : axes.entrySet()) {
            String name = StudyPlan.axisName(axis.getKey());
            String text = axis.getValue() == null ? "" : axis.getValue().trim();
            List<String> values = new ArrayList<>();
            for (String v : text.split(text.contains("|") ? "\\|" : ",")) {
                if (v.isBlank()) {
                    throw InvalidConfigurationException.of(AXES_ELEMENT + "<" + axis.getKey() + ">", text,
                            "list the values to try, separated by commas (or by | when a value holds commas), such as 0.1,0.3,0.5");
                }
                if (!values.contains(v.trim())) {
                    values.add(v.trim());
                }
            }
            if (parsed.put(name, values) != null) {
                throw InvalidConfigurationException.of(AXES_ELEMENT, name, "declare each axis once");
            }
        }
        return new StudySpec(m, parsed);
    }

    public boolean grid() {
        return mode == StudyMode.GRID;
    }
}
