package io.github.cnnmaven.mojo;

import java.util.LinkedHashMap;

/**
 * The POM's {@code <study>} element: {@code <mode>} and {@code <axes>}, whose child elements are
 * training properties with comma-separated values. A {@link LinkedHashMap} keeps the declared order.
 */
public class StudyDeclaration {

    /** one-at-a-time (the default) or grid. */
    private String mode;

    /** Training property (without cnn.) to the values to try. */
    private LinkedHashMap<String, String> axes;

    public String getMode() {
        return mode;
    }

    public LinkedHashMap<String, String> getAxes() {
        return axes;
    }
}
