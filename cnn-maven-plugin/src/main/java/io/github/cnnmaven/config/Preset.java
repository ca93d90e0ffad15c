package io.github.cnnmaven.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code cnn.network}: the built-in networks and what each does with a property the user did not set.
 * Validation, the fingerprint, the report and the help test read this; the network builder lays out
 * each one's layers in a switch over this enum with no default branch, so a preset added here without
 * its layers does not compile.
 */
public enum Preset implements Choice {
    LENET5(true, null),
    /** Its default dropout was 0.5 and is 0.2 (0.5 learnt more slowly, docs/benchmarks.md#the-defaults). */
    ALEXNET_CIFAR(true, 0.2, true, 1),
    // alexnet and resnet34 take a tenth of the optimizer's rate when the rate is unset: at Adam's 0.001
    // alexnet diverged and resnet34 stayed at chance on a small 64-pixel folder at batch 16, where googlenet,
    // resnet50 and vgg11 learnt best at 0.001 (docs/benchmarks.md#the-defaults); torchvision, too, gives
    // each network a rate of its own.
    ALEXNET(false, 0.5, false, 10),
    VGG11(true, 0.5),
    VGG13(true, 0.5),
    VGG16(true, 0.5),
    VGG19(true, 0.5),
    NIN(false, 0.5),
    GOOGLENET(false, 0.4),
    // the CIFAR ResNets of depth 6n+2 (He et al. 2016, section 4.2): 3 stages of n basic blocks
    RESNET20(false, null),
    RESNET32(false, null),
    RESNET44(false, null),
    RESNET56(false, null),
    RESNET110(false, null),
    RESNET18(false, null),
    RESNET34(false, null, false, 10),
    RESNET50(false, null);

    private final boolean takesKernelSize;
    private final Double defaultDropout;
    private final boolean dropoutDefaultChanged;
    private final int defaultRateDivisor;

    Preset(boolean takesKernelSize, Double defaultDropout) {
        this(takesKernelSize, defaultDropout, false, 1);
    }

    Preset(boolean takesKernelSize, Double defaultDropout, boolean dropoutDefaultChanged, int defaultRateDivisor) {
        this.takesKernelSize = takesKernelSize;
        this.defaultDropout = defaultDropout;
        this.dropoutDefaultChanged = dropoutDefaultChanged;
        this.defaultRateDivisor = defaultRateDivisor;
    }

    /**
     * The learning rate this preset trains with when {@code cnn.learningRate} is unset, from the
     * optimizer's default. A changed scale needs no fingerprint entry of its own: the configuration
     * holds the resolved rate, so a model trained at the old default is stale.
     */
    public double scaleDefaultRate(double optimizerDefault) {
        return optimizerDefault / defaultRateDivisor; // divided, not multiplied by 0.1: 0.001 / 10 is 1.0E-4 exactly as printed
    }

    /**
     * The preset whose id is exactly {@code network} (TrainingConfig has already trimmed it and put it in
     * lower case), or null. Stricter than {@link Choice#find}: {@code alexnet_cifar} is not a preset.
     */
    public static Preset of(String network) {
        return Arrays.stream(values()).filter(p -> p.id().equals(network)).findFirst().orElse(null);
    }

    /** Every preset's id in alphabetical order (numbers by value), as messages and the help list them. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Preset::id).sorted(Comparator.comparing(Preset::naturalKey)).toList();
    }

    /** The id with its numbers zero-padded, so resnet20 sorts before resnet110. */
    private static String naturalKey(String id) {
        return java.util.regex.Pattern.compile("\\d+").matcher(id).replaceAll(m -> String.format("%05d", Integer.parseInt(m.group())));
    }

    /** The presets whose conv kernel size {@code cnn.kernelSize} sets, in alphabetical order. */
    public static List<String> kernelSizeIds() {
        return Arrays.stream(values()).filter(Preset::takesKernelSize).map(Preset::id).sorted().toList();
    }

    /** Whether {@code cnn.kernelSize} sets this preset's conv kernels (the others have fixed kernels). */
    public boolean takesKernelSize() {
        return takesKernelSize;
    }

    /** The drop probability of the preset's dropout layers when {@code cnn.dropout} is unset; null: none. */
    public Double defaultDropout() {
        return defaultDropout;
    }

    /**
     * Whether {@link #defaultDropout()} changed since models were first trained with it: the fingerprint
     * then hashes it, so such a model is stale rather than wrongly up to date (the configuration alone,
     * with the property unset, reads the same before and after).
     */
    boolean dropoutDefaultChanged() {
        return dropoutDefaultChanged;
    }

    @Override
    public String toString() {
        return id();
    }
}
