package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonValue;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A closed choice of a property ({@code cnn.optimizer=adamw}): an enum constant with the id users
 * write, its name in lower case with hyphens ({@code ONE_AT_A_TIME} is {@code one-at-a-time}).
 * Parsing is in one place, so every such property rejects a bad value the same way. An enum adds a
 * {@code @JsonCreator} calling {@link #fromJson} and a {@code toString()} returning {@link #id()}.
 */
public interface Choice {

    /** What users write, and what the JSON files hold. */
    @JsonValue
    default String id() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant whose id (or enum name) is {@code value}, ignoring case and surrounding blanks; null when none. */
    static <E extends Enum<E> & Choice> E find(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.id().equals(v) || e.name().toLowerCase(Locale.ROOT).equals(v)) {
                return e;
            }
        }
        return null;
    }

    /** Like {@link #find}, but an unknown value is an error that names the property and lists the choices. */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String value, String property) throws InvalidConfigurationException {
        E e = find(type, value);
        if (e == null) {
            throw InvalidConfigurationException.of(property, value == null ? null : value.trim(), "use one of " + ids(type));
        }
        return e;
    }

    /** For JSON creators: an unknown id is a malformed file, not a user's typo. */
    static <E extends Enum<E> & Choice> E fromJson(Class<E> type, String value) {
        E e = find(type, value);
        if (e == null) {
            throw new IllegalArgumentException("'" + value + "' is not one of " + ids(type));
        }
        return e;
    }

    static <E extends Enum<E> & Choice> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(", "));
    }
}
