package io.github.cnnmaven.dataset;

import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;

/** A dataset file that does not have the format it claims; the message names the file and the fault. */
public class DatasetFormatException extends CnnException {

    private static final long serialVersionUID = 1L;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
