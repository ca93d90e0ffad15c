package io.github.cnnmaven.dataset;

import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The datasets {@code cnn.dataset} can name. */
public enum DatasetKind {
    CIFAR10("cifar10", "CIFAR-10"),
    CIFAR100("cifar100", "CIFAR-100"),
    MNIST("mnist", "MNIST"),
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST"),
    FOLDER("folder", "image folder"),
    ARCHIVE("archive", "image-folder archive");

    private final String id;
    private final String displayName;

    DatasetKind(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The value of {@code cnn.dataset}. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** Datasets made of the four standard IDX files. */
    public boolean isIdx() {
        return this == MNIST || this == FASHION_MNIST;
    }

    public static DatasetKind fromId(String value) throws InvalidConfigurationException {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (DatasetKind kind : values()) {
                if (kind.id.equals(v) || kind.name().toLowerCase(Locale.ROOT).equals(v)) {
                    return kind;
                }
            }
        }
        throw InvalidConfigurationException.of("cnn.dataset", value, "use one of "
                + Arrays.stream(values()).map(DatasetKind::id).collect(Collectors.joining(", ")));
    }
}
