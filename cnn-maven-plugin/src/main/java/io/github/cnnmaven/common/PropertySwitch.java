package io.github.cnnmaven.common;

/**
 * A system property ({@code cnn.argLine}) that turns one of the plugin's own faster code paths off.
 * On unless the property is {@code false} (any case, any surrounding space): these are remedies,
 * turned off only should one misbehave.
 */
public record PropertySwitch(String property) {

    public boolean on() {
        return !"false".equalsIgnoreCase(System.getProperty(property, "true").trim());
    }

    /** For a log line: how the user turned it off, or nothing. */
    public String offNote() {
        return on() ? "" : " (" + property + "=false)";
    }
}
