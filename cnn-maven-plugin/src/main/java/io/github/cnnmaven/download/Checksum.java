package io.github.cnnmaven.download;

import io.github.cnnmaven.common.Hashes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * An expected digest of a file: the algorithm (MD5 for the published dataset checksums, SHA-256
 * for user overrides) and its lowercase hex value.
 */
public record Checksum(String algorithm, String hex) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    public Checksum {
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static Checksum sha256(String hex) {
        if (!SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
        return new Checksum("SHA-256", hex);
    }

    public static Checksum md5(String hex) {
        if (!MD5.matcher(hex).matches()) {
            throw new IllegalArgumentException("not an MD5 hex digest: " + hex);
        }
        return new Checksum("MD5", hex);
    }

    /** Whether {@code value} looks like a SHA-256 digest (64 hex digits). */
    public static boolean isSha256(String value) {
        return value != null && SHA256.matcher(value.trim()).matches();
    }

    /** Digests the file as stored. */
    public boolean matches(Path file) throws IOException {
        return hex.equals(digest(file, algorithm, false));
    }

    /** Digests the gunzipped content of the file (which must be gzip). */
    public boolean matchesGunzipped(Path file) throws IOException {
        return hex.equals(digest(file, algorithm, true));
    }

    /** The hex digest of a file, or of its gunzipped content. */
    public static String digest(Path file, String algorithm, boolean gunzip) throws IOException {
        MessageDigest md = newDigest(algorithm);
        byte[] buffer = new byte[1 << 16];
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gunzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256Hex(byte[] bytes) {
        return Hashes.sha256Hex(bytes);
    }

    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks " + algorithm, e);
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
