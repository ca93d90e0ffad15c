package io.github.cnnmaven.common;

import java.util.List;

/**
 * A system property ({@code cnn.argLine}) that turns one of the plugin's own faster code paths off, or, for one
 * still on trial, on. Most are on unless the property is {@code false} (any case, any surrounding space): these are
 * remedies, turned off only should one misbehave.
 *
 * @param byDefault whether the path runs when the property is not set
 */
public record PropertySwitch(String property, boolean byDefault) {

    /** A switch that is on unless turned off. */
    public PropertySwitch(String property) {
        this(property, true);
    }

    public boolean on() {
        return on(System.getProperty(property));
    }

    /**
     * Whether it will be on in a JVM started with these arguments (the last {@code -D} of the property wins, as
     * in the JVM): what the parent decides before a fork, such as which native jars to resolve for it.
     */
    public boolean onIn(List<String> jvmArguments) {
        String value = null;
        String prefix = "-D" + property + "=";
        for (String argument : jvmArguments) {
            if (argument.startsWith(prefix)) {
                value = argument.substring(prefix.length());
            } else if (argument.equals("-D" + property)) {
                value = "";
            }
        }
        return on(value);
    }

    private boolean on(String value) {
        return value == null || value.isBlank() ? byDefault : !"false".equalsIgnoreCase(value.trim());
    }

    /** For a log line: how the user turned it off, or nothing. */
    public String offNote() {
        return on() ? "" : " (" + property + (byDefault ? "=false)" : " not set to true)");
    }
}
