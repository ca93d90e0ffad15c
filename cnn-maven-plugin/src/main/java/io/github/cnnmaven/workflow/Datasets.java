package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.download.DatasetCache;
import io.github.cnnmaven.download.Downloader;
import io.github.cnnmaven.download.ProxySettings;

import java.util.List;

/** Makes the configured dataset available: every goal that needs the data fetches a missing dataset itself. */
public final class Datasets {

    private final List<ProxySettings> proxies;
    private final ArchiveExtractor.Limits limits;
    private final boolean interactive;
    private final Console console;

    /**
     * @param limits      what an archive may expand to ({@code cnn.maxExtractRatio}, {@code cnn.maxExtractedGigabytes})
     * @param interactive whether a person watches (not {@code -B}): downloads then log more progress
     */
    public Datasets(List<ProxySettings> proxies, ArchiveExtractor.Limits limits, boolean interactive, Console console) {
        this.proxies = List.copyOf(proxies);
        this.limits = limits;
        this.interactive = interactive;
        this.console = console;
    }

    public DatasetService service(DatasetSpec spec) {
        Downloader downloader = new Downloader(proxies, Downloader.RetryPolicy.defaults(), console, interactive);
        DatasetCache cache = new DatasetCache(spec.cacheDirectory(), downloader, new ArchiveExtractor(limits), spec.offline(),
                console);
        return new DatasetService(cache, console);
    }

    /** Fetches (or finds in the cache) and verifies the dataset. */
    public PreparedDataset prepare(DatasetSpec spec) throws CnnException {
        return service(spec).prepare(spec);
    }
}
