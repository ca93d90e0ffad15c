package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.download.ProxySettings;
import io.github.cnnmaven.workflow.Datasets;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The dataset parameters, shared by every goal that needs the data (each fetches a missing dataset itself). */
public abstract class AbstractDatasetMojo extends AbstractCnnMojo {

    /** {@code cifar10}, {@code cifar100}, {@code mnist}, {@code fashion-mnist}, {@code folder} or {@code archive}. */
    @Parameter(property = "cnn.dataset", defaultValue = "cifar10")
    protected String dataset;

    /**
     * Fetch from here instead of the official location ({@code http(s):} or {@code file:}). For
     * cifar10, cifar100 and archive it is the archive itself; for mnist and fashion-mnist the base
     * URL holding the four standard file names.
     */
    @Parameter(property = "cnn.datasetUrl")
    protected String datasetUrl;

    /** SHA-256 to verify instead of the built-in checksum; four comma-separated values for mnist and fashion-mnist. */
    @Parameter(property = "cnn.datasetSha256")
    protected String datasetSha256;

    /** For {@code folder}: a directory holding {@code train/<class>/*} and optionally {@code test/<class>/*}. */
    @Parameter(property = "cnn.datasetDir")
    protected File datasetDir;

    /** The square size that folder and archive images are resized to. */
    @Parameter(property = "cnn.imageSize", defaultValue = "32")
    protected int imageSize;

    /** {@code fine} (100 classes) or {@code coarse} (20 superclasses). */
    @Parameter(property = "cnn.cifar100Labels", defaultValue = "fine")
    protected String cifar100Labels;

    /** The download cache, shared by all projects of a user; keyed by checksum. */
    @Parameter(property = "cnn.cacheDir", defaultValue = "${user.home}/.cnn/datasets")
    protected File cacheDir;

    /** Use only the first N training examples, for quick runs. */
    @Parameter(property = "cnn.trainLimit")
    protected Integer trainLimit;

    /** Use only the first N test examples, for quick runs. */
    @Parameter(property = "cnn.testLimit")
    protected Integer testLimit;

    /** For folders without a test/ folder: the fraction of each class held out as the test set. */
    @Parameter(property = "cnn.testSplit", defaultValue = "0.2")
    protected double testSplit;

    /** Seeds every random choice: splits, shuffling, initialisation. */
    @Parameter(property = "cnn.seed")
    protected Long seed;

    /** An archive may expand to at most this many times its size (image data barely compresses; a bomb does). */
    @Parameter(property = "cnn.maxExtractRatio", defaultValue = "100")
    protected double maxExtractRatio = 100;

    /** An archive may expand to at most this many gigabytes in all. */
    @Parameter(property = "cnn.maxExtractedGigabytes", defaultValue = "32")
    protected int maxExtractedGigabytes = 32;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Component
    protected SettingsDecrypter settingsDecrypter;

    protected DatasetSpec datasetSpec() throws InvalidConfigurationException {
        DatasetKind kind = DatasetKind.fromId(dataset);
        String labels = cifar100Labels == null ? "fine" : cifar100Labels.trim().toLowerCase(Locale.ROOT);
        if (!labels.equals("fine") && !labels.equals("coarse")) {
            throw InvalidConfigurationException.of("cnn.cifar100Labels", cifar100Labels, "use fine or coarse");
        }
        return new DatasetSpec(kind, datasetUrl, datasetSha256, datasetDir == null ? null : datasetDir.toPath(),
                imageSize, labels.equals("coarse"), cacheDir == null ? null : cacheDir.toPath(),
                trainLimit == null ? DatasetSpec.ALL : trainLimit, testLimit == null ? DatasetSpec.ALL : testLimit,
                testSplit, seed == null ? TrainingConfig.defaults().seed() : seed, isOffline());
    }

    /** Where the goals get the dataset from: the cache, with settings.xml's proxies. */
    protected Datasets datasets() throws InvalidConfigurationException {
        if (!(maxExtractRatio >= 1)) {
            throw InvalidConfigurationException.of("cnn.maxExtractRatio", maxExtractRatio, "use a factor of at least 1, such as 100");
        }
        if (maxExtractedGigabytes < 1) {
            throw InvalidConfigurationException.of("cnn.maxExtractedGigabytes", maxExtractedGigabytes, "use at least 1");
        }
        return new Datasets(proxies(), ArchiveExtractor.Limits.of(maxExtractRatio, maxExtractedGigabytes), isInteractive(),
                console());
    }

    /** The active proxies of settings.xml, with passwords decrypted. */
    private List<ProxySettings> proxies() {
        List<ProxySettings> result = new ArrayList<>();
        if (settings == null) {
            return result;
        }
        for (Proxy proxy : settings.getProxies()) {
            if (!proxy.isActive()) {
                continue;
            }
            Proxy decrypted = proxy;
            if (settingsDecrypter != null) {
                SettingsDecryptionResult r = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(proxy));
                for (SettingsProblem problem : r.getProblems()) {
                    getLog().warn("Proxy " + proxy.getId() + ": " + problem.getMessage());
                }
                if (r.getProxy() != null) {
                    decrypted = r.getProxy();
                }
            }
            result.add(new ProxySettings(decrypted.getProtocol(), decrypted.getHost(), decrypted.getPort(),
                    decrypted.getUsername(), decrypted.getPassword(), decrypted.getNonProxyHosts()));
        }
        return result;
    }
}
