package io.github.cnnmaven.study;

import io.github.cnnmaven.config.TrainingConfig;

import java.util.Map;

/**
 * One configuration of a study.
 *
 * @param name        {@code base}, or the settings that differ, such as {@code dropout=0.1, batchNorm=false}
 * @param settings    the axis values this variant sets (empty for the base), in axis order
 * @param config      the full training configuration
 * @param fingerprint the fingerprint its model carries (configuration and data)
 * @param directory   its directory under {@code study/} in the output directory
 */
public record StudyVariant(String name, Map<String, String> settings, TrainingConfig config, String fingerprint,
                           String directory) {
}
