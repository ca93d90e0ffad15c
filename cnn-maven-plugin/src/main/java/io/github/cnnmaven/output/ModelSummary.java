package io.github.cnnmaven.output;

import java.util.List;
import java.util.Locale;

/**
 * What the network is: every layer with its output shape, parameters and multiply-adds per image.
 * Logged at the start of training and written to {@code run.json}.
 */
public record ModelSummary(List<LayerRow> layers, long parameters, long multiplyAdds) {

    public record LayerRow(String name, String type, String outputShape, long parameters, long multiplyAdds) {
    }

    /** FLOPs per image for one forward pass (a multiply-add counts as two). */
    public long flops() {
        return 2 * multiplyAdds;
    }

    public List<String> lines() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-14s %-22s %-14s %12s %14s", "layer", "type", "output", "parameters", "mult-adds"));
        for (LayerRow r : layers) {
            lines.add(String.format(Locale.ROOT, "%-14s %-22s %-14s %,12d %,14d", r.name(), r.type(), r.outputShape(),
                    r.parameters(), r.multiplyAdds()));
        }
        lines.add(String.format(Locale.ROOT, "total: %,d parameters, %.2f M multiply-adds (%.2f MFLOP) per image",
                parameters, multiplyAdds / 1e6, flops() / 1e6));
        return lines;
    }
}
