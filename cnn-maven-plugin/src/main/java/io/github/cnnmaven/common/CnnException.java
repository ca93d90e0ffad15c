package io.github.cnnmaven.common;

/**
 * A failure the user can act on. Its message is shown as it is in the build log, so it names the
 * file, URL or property concerned and says how to fix it.
 */
public class CnnException extends Exception {

    private static final long serialVersionUID = 1L;

    public CnnException(String message) {
        super(message);
    }

    public CnnException(String message, Throwable cause) {
        super(message, cause);
    }
}
