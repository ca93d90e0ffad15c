package io.github.cnnmaven.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Keras model saved as HDF5: {@code model.save("m.h5")} (weights under
 * {@code model_weights}, the architecture in {@code model_config}) or {@code model.save_weights("w.h5")}
 * (weights at the root, no architecture).
 *
 * <p>Why not DL4J's {@code KerasModelImport}: it rebuilds the Keras network as a DL4J network of its own
 * (channels-last, Keras's layer names, only the layers it knows), while fine-tuning here needs the weights
 * in the plugin's own network, and it cannot read weights-only files. DL4J's {@link Hdf5Archive} still reads
 * the datasets and the architecture; only the layer and weight names, which Keras stores as arrays of
 * fixed-length strings that {@code Hdf5Archive} cannot read, are read here directly.
 */
public final class KerasHdf5File {

    /** Keras's defaults where a file has no architecture to say otherwise. */
    static final double DEFAULT_EPSILON = 1e-3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasHdf5File() {
    }

    /**
     * The layers that have weights, in the model's order (nested models flattened into their layers).
     *
     * @throws IOException when the file is not a Keras HDF5 model or its HDF5 library cannot be loaded
     */
    public static KerasModel read(Path file) throws IOException {
        try {
            synchronized (Hdf5Archive.LOCK_OBJECT) {
                return readLocked(file);
            }
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("the HDF5 library could not be loaded on this platform (" + e.getMessage() + ")", e);
        }
    }

    private static KerasModel readLocked(Path file) throws IOException {
        try (Hdf5Archive archive = new Hdf5Archive(file.toString())) {
            boolean fullModel = archive.getGroups().contains("model_weights");
            String[] root = fullModel ? new String[] {"model_weights"} : new String[0];
            Map<String, JsonNode> configs = new HashMap<>();
            if (archive.hasAttribute("model_config")) {
                collectLayerConfigs(JSON.readTree(archive.readAttributeAsJson("model_config")), configs);
            }
            List<KerasLayer> layers = new ArrayList<>();
            H5File h5 = new H5File(file.toString(), hdf5.H5F_ACC_RDONLY());
            try {
                Group rootGroup = fullModel ? h5.openGroup("model_weights") : h5;
                List<String> layerNames = strings(rootGroup, "layer_names");
                if (layerNames.isEmpty()) {
                    throw new IOException("it has no layer_names attribute: not a model or weights file saved by Keras"
                            + " (model.save(\"m.h5\") or model.save_weights(\"w.h5\"))");
                }
                for (String layer : layerNames) {
                    Group layerGroup = rootGroup.openGroup(layer);
                    List<String> weightNames = strings(layerGroup, "weight_names");
                    layerGroup.deallocate();
                    // Group by the weight's own layer: a nested model is one entry of layer_names whose
                    // weights belong to many layers ("conv1/kernel:0", "bn1/gamma:0", ...).
                    Map<String, Map<String, INDArray>> byLayer = new LinkedHashMap<>();
                    for (String weight : weightNames) {
                        int slash = weight.lastIndexOf('/');
                        String owner = slash < 0 ? layer : weight.substring(0, slash);
                        String key = (slash < 0 ? weight : weight.substring(slash + 1)).replaceFirst(":\\d+$", "");
                        byLayer.computeIfAbsent(owner, o -> new LinkedHashMap<>()).put(key, read(archive, root, layer, weight));
                    }
                    for (Map.Entry<String, Map<String, INDArray>> e : byLayer.entrySet()) {
                        String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
                        layers.add(KerasLayer.of(name, e.getValue(), configs.get(name)));
                    }
                }
                if (fullModel) {
                    rootGroup.deallocate();
                }
            } finally {
                h5.deallocate();
            }
            return new KerasModel(layers, channelsFirst(configs));
        } catch (UnsupportedKerasConfigurationException | RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static INDArray read(Hdf5Archive archive, String[] root, String layer, String weight)
            throws UnsupportedKerasConfigurationException {
        List<String> groups = new ArrayList<>(Arrays.asList(root));
        groups.add(layer);
        String[] parts = weight.split("/");
        groups.addAll(Arrays.asList(parts).subList(0, parts.length - 1));
        return archive.readDataSet(parts[parts.length - 1], groups.toArray(String[]::new));
    }

    /**
     * An attribute holding an array of fixed-length strings, as Keras writes {@code layer_names} and
     * {@code weight_names}; Keras splits one over 64 KB into {@code name0}, {@code name1}, ...
     */
    static List<String> strings(Group group, String name) throws IOException {
        List<String> values = new ArrayList<>();
        if (group.attrExists(name)) {
            values.addAll(fixedLengthStrings(group, name));
        } else {
            for (int chunk = 0; group.attrExists(name + chunk); chunk++) {
                values.addAll(fixedLengthStrings(group, name + chunk));
            }
        }
        return values;
    }

    private static List<String> fixedLengthStrings(Group group, String name) throws IOException {
        Attribute attribute = group.openAttribute(name);
        StrType type = attribute.getStrType();
        DataSpace space = attribute.getSpace();
        try {
            if (type.isVariableStr()) {
                throw new IOException("its " + name + " attribute holds variable-length strings; Keras writes fixed-length"
                        + " ones (saved by another tool?)");
            }
            int size = (int) type.getSize();
            int count = (int) space.getSimpleExtentNpoints();
            byte[] bytes = new byte[size * count];
            if (bytes.length > 0) {
                BytePointer buffer = new BytePointer(bytes.length);
                attribute.read(type, (Pointer) buffer); // the void* overload: the BytePointer one is std::string's
                buffer.get(bytes);
                buffer.deallocate();
            }
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int end = i * size;
                while (end < (i + 1) * size && bytes[end] != 0) {
                    end++;
                }
                values.add(new String(bytes, i * size, end - i * size, StandardCharsets.UTF_8));
            }
            return values;
        } finally {
            space.deallocate();
            type.deallocate();
            attribute.deallocate();
        }
    }

    /** Every layer's config by name, nested models included. */
    private static void collectLayerConfigs(JsonNode node, Map<String, JsonNode> configs) {
        JsonNode layers = node.path("config").path("layers");
        if (!layers.isArray() && node.path("config").isArray()) {
            layers = node.path("config"); // Keras 1's Sequential: config is the list of layers
        }
        for (JsonNode layer : layers) {
            JsonNode config = layer.path("config");
            if (config.has("name")) {
                configs.put(config.get("name").asText(), config);
            }
            collectLayerConfigs(layer, configs);
        }
    }

    /** Convolutions and flatten follow the model's data format; Keras's default is channels-last. */
    private static boolean channelsFirst(Map<String, JsonNode> configs) {
        return configs.values().stream().anyMatch(c -> "channels_first".equals(c.path("data_format").asText()));
    }

    /** The weighted layers of a Keras model, and whether its images are channels-first. */
    public record KerasModel(List<KerasLayer> layers, boolean channelsFirst) {
    }

    /** One Keras layer with weights, by what its weights say it is. */
    public record KerasLayer(String name, Kind kind, Map<String, INDArray> weights, double epsilon) {

        /** What the plugin can load from. */
        public enum Kind {
            CONV2D("Conv2D"),
            DENSE("Dense"),
            BATCH_NORMALIZATION("BatchNormalization"),
            OTHER("a layer");

            private final String kerasName;

            Kind(String kerasName) {
                this.kerasName = kerasName;
            }

            @Override
            public String toString() {
                return kerasName;
            }
        }

        static KerasLayer of(String name, Map<String, INDArray> weights, JsonNode config) {
            INDArray kernel = weights.get("kernel");
            Kind kind = weights.containsKey("moving_mean") && weights.containsKey("moving_variance") ? Kind.BATCH_NORMALIZATION
                    : kernel != null && kernel.rank() == 4 ? Kind.CONV2D
                    : kernel != null && kernel.rank() == 2 ? Kind.DENSE
                    : Kind.OTHER;
            double epsilon = config != null && config.has("epsilon") ? config.get("epsilon").asDouble() : DEFAULT_EPSILON;
            return new KerasLayer(name, kind, weights, epsilon);
        }

        /** How the log and errors name it: {@code conv2d (Conv2D)}. */
        public String describe() {
            return name + " (" + (kind == Kind.OTHER ? "weights " + weights.keySet() : kind) + ")";
        }
    }
}
