package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.output.OutputDirectory;

/**
 * The {@code download-dataset} goal: fetches (or finds in the cache) and verifies the dataset, reads
 * it once to validate its format, and records what it found in {@code dataset.json}.
 */
public final class DownloadDataset {

    private final Datasets datasets;
    private final OutputDirectory output;
    private final Console console;

    public DownloadDataset(Datasets datasets, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.output = output;
        this.console = console;
    }

    public void run(DatasetSpec spec) throws CnnException {
        spec.validate();
        DatasetService service = datasets.service(spec);
        try (ProcessLock lock = output.lock("download-dataset", console)) {
            service.load(service.prepare(spec), spec).describe().write(output.datasetFile());
        }
    }
}
