package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.ArrayList;
import java.util.List;

/** One augmentation of {@code cnn.augment} (training.Augmentation applies them). */
public enum Augment implements Choice {
    /** Pad by 4 pixels and crop back at a random offset. */
    CROP4,
    /** Mirror horizontally with probability 1/2. */
    FLIP,
    /** Random brightness and contrast. */
    JITTER,
    /** One square of a quarter of the side set to the mean. */
    CUTOUT,
    /**
     * Random erasing (Zhong et al.), as torchvision's {@code RandomErasing} with its defaults: half the images get
     * a rectangle of 2-33 % of the area, aspect ratio 0.3-3.3, set to the mean.
     */
    ERASE,
    /**
     * Images are resized to {@code cnn.resizeTo} and cropped to the input size at a random place
     * (the centre at validation and evaluation). Image folders only.
     */
    RESIZECROP,
    /**
     * A random region of 8-100 % of the area with an aspect ratio from 3/4 to 4/3 (torchvision's
     * defaults), resized to the input size; the centre crop at validation and evaluation.
     */
    RANDOMRESIZEDCROP;

    /** Whether this augmentation takes the input out of a larger stored image. */
    public boolean crops() {
        return this == RESIZECROP || this == RANDOMRESIZEDCROP;
    }

    @JsonCreator
    public static Augment fromJson(String value) {
        return Choice.fromJson(Augment.class, value);
    }

    /** Parses {@code cnn.augment}: a comma list such as {@code crop4,flip}; {@code none} or blank for none. */
    public static List<Augment> parseList(String value) throws InvalidConfigurationException {
        List<Augment> result = new ArrayList<>();
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("none")) {
            return result;
        }
        for (String part : value.split(",")) {
            Augment a = Choice.find(Augment.class, part);
            if (a == null) {
                throw InvalidConfigurationException.of("cnn.augment", part.trim(), "use a comma list of "
                        + Choice.ids(Augment.class) + " (or none)");
            }
            result.add(a);
        }
        return result;
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
