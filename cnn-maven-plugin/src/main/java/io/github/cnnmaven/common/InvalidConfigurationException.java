package io.github.cnnmaven.common;

/** A configuration value that cannot work; the message names the property (for example {@code cnn.dataset}). */
public class InvalidConfigurationException extends CnnException {

    private static final long serialVersionUID = 1L;

    public InvalidConfigurationException(String message) {
        super(message);
    }

    /** The standard message: which property, what was given, what is allowed. */
    public static InvalidConfigurationException of(String property, Object value, String expected) {
        return new InvalidConfigurationException(
                "Invalid value '" + value + "' for " + property + ": " + expected);
    }
}
