package io.github.cnnmaven.download;

import java.net.URI;
import java.util.Objects;

/**
 * One file to fetch into the cache.
 *
 * @param name            the file name inside the cache entry
 * @param url             where to fetch it ({@code http}, {@code https} or {@code file})
 * @param checksum        the digest of the file as served
 * @param contentChecksum the SHA-256 of the gunzipped content, or {@code null}. When known, a file
 *                        whose bytes differ but whose content matches (a mirror that re-compressed
 *                        it) is accepted too.
 */
public record RemoteFile(String name, URI url, Checksum checksum, Checksum contentChecksum) {

    public RemoteFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(checksum, "checksum");
    }

    public boolean isLocal() {
        return "file".equalsIgnoreCase(url.getScheme());
    }
}
