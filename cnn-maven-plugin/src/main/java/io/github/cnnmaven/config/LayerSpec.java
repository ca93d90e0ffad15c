package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.List;
import java.util.Locale;

/**
 * One layer of a POM-declared network ({@code <layers><layer>…</layer></layers>}). Only the fields
 * that matter for its type are read; the builder derives input sizes from the previous layer.
 *
 * <pre>{@code
 * <layer><type>conv</type><filters>32</filters><kernel>3</kernel></layer>
 * <layer><type>batchnorm</type></layer>
 * <layer><type>maxpool</type><kernel>2</kernel></layer>
 * <layer><type>dropout</type><rate>0.25</rate></layer>
 * <layer><type>dense</type><units>128</units></layer>
 * <layer><type>globalavgpool</type></layer>
 * <layer><type>residual</type><filters>64</filters><stride>2</stride></layer>
 * }</pre>
 */
public class LayerSpec {

    public static final List<String> TYPES = List.of("conv", "maxpool", "avgpool", "batchnorm", "dropout", "dense",
            "globalavgpool", "residual", "bottleneck", "inception");
    public static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "tanh", "identity", "linear", "none");
    public static final List<String> PADDINGS = List.of("same", "valid");

    /** conv, maxpool, avgpool, batchnorm, dropout, dense, globalavgpool or residual. */
    public String type;
    /** conv and residual: output channels. */
    public Integer filters;
    /** conv and pooling: kernel size (conv defaults to cnn.kernelSize, pooling to 2). */
    public Integer kernel;
    /** conv, pooling and residual: stride (conv 1, pooling = kernel, residual 1). */
    public Integer stride;
    /** conv: "same" (default) or "valid" padding. */
    public String padding;
    /** dense: units. */
    public Integer units;
    /** dropout: drop probability. */
    public Double rate;
    /** conv and dense: relu (default), leakyrelu, tanh, identity. */
    public String activation;
    /** inception: the 1×1 branch's filters. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer c1;
    /** inception: the 3×3 branch's 1×1 reduction. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer c3r;
    /** inception: the 3×3 branch's filters. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer c3;
    /** inception: the 5×5 branch's 1×1 reduction. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer c5r;
    /** inception: the 5×5 branch's filters. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer c5;
    /** inception: the pooled branch's 1×1 projection. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // absent unless set: older layer lists keep their fingerprint
    public Integer pool;

    public LayerSpec() {
    }

    public static LayerSpec of(String type) {
        LayerSpec l = new LayerSpec();
        l.type = type;
        return l;
    }

    public LayerSpec filters(int f) {
        filters = f;
        return this;
    }

    public LayerSpec kernel(int k) {
        kernel = k;
        return this;
    }

    public LayerSpec stride(int s) {
        stride = s;
        return this;
    }

    public LayerSpec units(int u) {
        units = u;
        return this;
    }

    public LayerSpec rate(double r) {
        rate = r;
        return this;
    }

    public LayerSpec padding(String p) {
        padding = p;
        return this;
    }

    public LayerSpec activation(String a) {
        activation = a;
        return this;
    }

    /** An inception block's branch widths: 1×1, 3×3 reduction and 3×3, 5×5 reduction and 5×5, pool projection. */
    public LayerSpec inception(int c1, int c3r, int c3, int c5r, int c5, int pool) {
        this.c1 = c1;
        this.c3r = c3r;
        this.c3 = c3;
        this.c5r = c5r;
        this.c5 = c5;
        this.pool = pool;
        return this;
    }

    public String normalizedType() {
        return type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    }

    void validate(int index) throws InvalidConfigurationException {
        String name = "layers[" + index + "]";
        String t = normalizedType();
        if (!TYPES.contains(t)) {
            throw InvalidConfigurationException.of(name + ".type", type, "use one of " + String.join(", ", TYPES));
        }
        if (t.equals("inception")) {
            String[] names = {"c1", "c3r", "c3", "c5r", "c5", "pool"};
            Integer[] widths = {c1, c3r, c3, c5r, c5, pool};
            for (int i = 0; i < names.length; i++) {
                if (widths[i] == null || widths[i] < 1) {
                    throw InvalidConfigurationException.of(name + "." + names[i], widths[i], "an inception layer needs"
                            + " positive branch widths c1, c3r, c3, c5r, c5 and pool, such as 64, 96, 128, 16, 32, 32");
                }
            }
        }
        if ((t.equals("conv") || t.equals("residual") || t.equals("bottleneck")) && (filters == null || filters < 1)) {
            throw InvalidConfigurationException.of(name + ".filters", filters, "a " + t + " layer needs a positive number of filters");
        }
        if (t.equals("dense") && (units == null || units < 1)) {
            throw InvalidConfigurationException.of(name + ".units", units, "a dense layer needs a positive number of units");
        }
        if (t.equals("dropout") && (rate == null || !(rate >= 0 && rate < 1))) {
            throw InvalidConfigurationException.of(name + ".rate", rate, "a dropout layer needs a rate from 0 to below 1");
        }
        if (kernel != null && kernel < 1) {
            throw InvalidConfigurationException.of(name + ".kernel", kernel, "use a positive kernel size");
        }
        if (stride != null && stride < 1) {
            throw InvalidConfigurationException.of(name + ".stride", stride, "use a positive stride");
        }
        if (activation != null && !ACTIVATIONS.contains(activation.trim().toLowerCase(Locale.ROOT))) {
            throw InvalidConfigurationException.of(name + ".activation", activation, "the " + t + " layer's activation:"
                    + " use relu, leakyrelu, tanh or identity");
        }
        if (padding != null && !PADDINGS.contains(padding.trim().toLowerCase(Locale.ROOT))) {
            throw InvalidConfigurationException.of(name + ".padding", padding, "use same or valid");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerSpec l && java.util.Objects.equals(type, l.type) && java.util.Objects.equals(filters, l.filters)
                && java.util.Objects.equals(kernel, l.kernel) && java.util.Objects.equals(stride, l.stride)
                && java.util.Objects.equals(padding, l.padding) && java.util.Objects.equals(units, l.units)
                && java.util.Objects.equals(rate, l.rate) && java.util.Objects.equals(activation, l.activation)
                && java.util.Objects.equals(c1, l.c1) && java.util.Objects.equals(c3r, l.c3r) && java.util.Objects.equals(c3, l.c3)
                && java.util.Objects.equals(c5r, l.c5r) && java.util.Objects.equals(c5, l.c5) && java.util.Objects.equals(pool, l.pool);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(type, filters, kernel, stride, padding, units, rate, activation, c1, c3r, c3, c5r, c5, pool);
    }
}
