package io.github.cnnmaven.study;

import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study as the POM declares it: the mode, and the axes in declaration order, each a training
 * property (without the {@code cnn.} prefix) with the values to try.
 *
 * @param mode {@link #ONE_AT_A_TIME} (each axis varied alone around the base) or {@link #GRID} (every combination)
 * @param axes property name to its values, as text, in the order declared
 */
public record StudySpec(String mode, Map<String, List<String>> axes) {

    public static final String ONE_AT_A_TIME = "one-at-a-time";
    public static final String GRID = "grid";
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
        String m = mode == null || mode.isBlank() ? ONE_AT_A_TIME : mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals(ONE_AT_A_TIME) && !m.equals(GRID)) {
            throw InvalidConfigurationException.of("<study><mode>", mode, "use " + ONE_AT_A_TIME + " (the default) or " + GRID);
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
        return mode.equals(GRID);
    }
}
