package io.github.cnnmaven.dataset;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.download.RemoteFile;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The built-in locations and published checksums of the downloadable datasets, and how
 * {@code cnn.datasetUrl} and {@code cnn.datasetSha256} override them.
 */
public final class DatasetSources {

    /** The four IDX files, in the order that {@code cnn.datasetSha256} lists their checksums. */
    public static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    static final String CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    static final String CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    static final String CIFAR100_URL = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz";
    static final String CIFAR100_MD5 = "03b5dce01913d631647c71ecec9e9cb8";

    // yann.lecun.com refuses most automated downloads now; this is the mirror torchvision uses,
    // serving the same bytes (the published MD5s below).
    static final String MNIST_BASE = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    static final List<String> MNIST_MD5 = List.of("f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "d53e105ee54ea40749a09fcbcd1e9432", "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c");

    static final String FASHION_BASE = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    static final List<String> FASHION_MD5 = List.of("8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310");
    // SHA-256 of the uncompressed files, so that a re-compressed copy (Debian's dataset-fashion-mnist) verifies.
    static final List<String> FASHION_CONTENT_SHA256 = List.of(
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final List<String> DIGIT_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private DatasetSources() {
    }

    /** The files to fetch for a downloadable dataset. */
    public static List<RemoteFile> files(DatasetSpec spec) throws InvalidConfigurationException {
        List<Checksum> overrides = parseOverrides(spec.sha256(), spec.kind().isIdx() ? 4 : 1);
        String url = spec.url() == null || spec.url().isBlank() ? null : spec.url().trim();
        switch (spec.kind()) {
            case CIFAR10:
                return List.of(single(url, CIFAR10_URL, overrides, Checksum.md5(CIFAR10_MD5)));
            case CIFAR100:
                return List.of(single(url, CIFAR100_URL, overrides, Checksum.md5(CIFAR100_MD5)));
            case ARCHIVE:
                return List.of(single(url, null, overrides, null));
            case MNIST:
                return idx(url, MNIST_BASE, overrides, MNIST_MD5, null);
            case FASHION_MNIST:
                return idx(url, FASHION_BASE, overrides, FASHION_MD5, FASHION_CONTENT_SHA256);
            default:
                throw new IllegalArgumentException(spec.kind() + " has nothing to download");
        }
    }

    private static RemoteFile single(String url, String official, List<Checksum> overrides, Checksum builtIn)
            throws InvalidConfigurationException {
        URI uri = uri(url != null ? url : official);
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isBlank()) {
            throw InvalidConfigurationException.of("cnn.datasetUrl", url, "point at the archive file itself, not a directory");
        }
        Checksum checksum = overrides.isEmpty() ? builtIn : overrides.get(0);
        return new RemoteFile(name, uri, checksum, null);
    }

    private static List<RemoteFile> idx(String url, String officialBase, List<Checksum> overrides, List<String> md5s,
                                        List<String> contentSha256) throws InvalidConfigurationException {
        String base = url != null ? url : officialBase;
        if (!base.endsWith("/")) {
            base = base + "/";
        }
        List<RemoteFile> files = new ArrayList<>();
        for (int i = 0; i < IDX_FILES.size(); i++) {
            String name = IDX_FILES.get(i);
            URI uri = uri(base + name);
            if (overrides.isEmpty()) {
                Checksum content = contentSha256 == null ? null : Checksum.sha256(contentSha256.get(i));
                files.add(new RemoteFile(name, uri, Checksum.md5(md5s.get(i)), content));
            } else {
                files.add(new RemoteFile(name, uri, overrides.get(i), null));
            }
        }
        return files;
    }

    static List<Checksum> parseOverrides(String sha256, int expected) throws InvalidConfigurationException {
        if (sha256 == null || sha256.isBlank()) {
            return List.of();
        }
        List<String> values = Arrays.stream(sha256.split(",")).map(String::trim).toList();
        if (values.size() != expected) {
            throw InvalidConfigurationException.of("cnn.datasetSha256", sha256, "give " + expected
                    + (expected == 1 ? " SHA-256 value" : " comma-separated SHA-256 values, in the order "
                    + String.join(", ", IDX_FILES)));
        }
        List<Checksum> checksums = new ArrayList<>();
        for (String v : values) {
            if (!Checksum.isSha256(v)) {
                throw InvalidConfigurationException.of("cnn.datasetSha256", v, "a SHA-256 is 64 hexadecimal digits");
            }
            checksums.add(Checksum.sha256(v));
        }
        return checksums;
    }

    private static URI uri(String value) throws InvalidConfigurationException {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("http", "https", "file").contains(scheme)) {
                throw InvalidConfigurationException.of("cnn.datasetUrl", value, "use an http:, https: or file: URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw InvalidConfigurationException.of("cnn.datasetUrl", value, "not a valid URL (" + e.getReason() + ")");
        }
    }
}
