package io.github.cnnmaven.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dataset.json}: what {@code download-dataset} found (source, content identity, location,
 * classes, sizes). Later goals and the report read it instead of touching the dataset again.
 */
public final class DatasetDescription {

    public static final String FILE_NAME = "dataset.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DatasetDescription() {
    }

    public static Map<String, Object> describe(LoadedDataset loaded) {
        PreparedDataset p = loaded.prepared();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", p.kind().id());
        d.put("source", p.source());
        d.put("identity", p.identity());
        d.put("location", p.location().toString());
        d.put("classes", loaded.classNames());
        d.put("inputShape", List.of(loaded.train().channels(), loaded.train().height(), loaded.train().width()));
        d.put("trainCount", loaded.train().size());
        d.put("testCount", loaded.test().size());
        return d;
    }

    public static void write(LoadedDataset loaded, Path file) throws CnnException {
        try {
            AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), describe(loaded)));
        } catch (IOException e) {
            throw new CnnException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
