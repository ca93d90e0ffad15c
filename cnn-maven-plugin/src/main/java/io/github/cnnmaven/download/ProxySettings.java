package io.github.cnnmaven.download;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A proxy as declared in Maven's settings.xml, without Maven types so the download code stays
 * usable outside Maven.
 *
 * @param protocol      the protocol the proxy is for ({@code http} or {@code https}); {@code null} for all
 * @param nonProxyHosts hosts that bypass it, separated by {@code |} or {@code ,}, with {@code *} wildcards
 */
public record ProxySettings(String protocol, String host, int port, String username, String password,
                            String nonProxyHosts) {

    /** Whether this proxy should carry a request to {@code url}. */
    public boolean appliesTo(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("http")) {
            return false;
        }
        if (protocol != null && !protocol.isBlank()) {
            // Maven's convention: an "http" proxy also carries https requests unless an https one exists.
            String p = protocol.toLowerCase(Locale.ROOT);
            if (!p.equals(scheme) && !p.equals("http")) {
                return false;
            }
        }
        return !bypasses(url.getHost());
    }

    boolean bypasses(String targetHost) {
        if (nonProxyHosts == null || nonProxyHosts.isBlank() || targetHost == null) {
            return false;
        }
        String h = targetHost.toLowerCase(Locale.ROOT);
        return Arrays.stream(nonProxyHosts.split("[|,]"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .anyMatch(glob -> globToRegex(glob.toLowerCase(Locale.ROOT)).matcher(h).matches());
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    public boolean hasCredentials() {
        return username != null && !username.isEmpty();
    }

    @Override
    public String toString() {
        // never print the password
        return (protocol == null ? "" : protocol + "://") + host + ":" + port;
    }
}
