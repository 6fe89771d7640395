package dev.berth.http;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request of a health probe, as {@link HttpProber} sends it.
 *
 * @param method          GET when null or blank
 * @param url             where the request goes
 * @param headers         request headers; none when null (java.net.http refuses Host and a few others here)
 * @param body            request body sent as is; none when null
 * @param timeout         one deadline for the connect, the status line and headers, and the bounded body
 * @param tlsVerify       check the server's certificate and host name; off only for self-signed endpoints
 * @param followRedirects follow redirects (never from https to http)
 * @param bodyLimit       the most bytes of the body that are read; 0 reads none
 */
public record HttpProbeRequest(String method, URI url, Map<String, String> headers, String body,
                               Duration timeout, boolean tlsVerify, boolean followRedirects, int bodyLimit) {

    public HttpProbeRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        method = method == null || method.isBlank() ? "GET" : method.strip().toUpperCase(Locale.ROOT);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (bodyLimit < 0) throw new IllegalArgumentException("bodyLimit must be 0 or more, not " + bodyLimit);
    }

    /** A GET that verifies TLS, follows redirects and reads no body: what a status check needs. */
    public static HttpProbeRequest get(URI url, Duration timeout) {
        return new HttpProbeRequest("GET", url, null, null, timeout, true, true, 0);
    }

    public HttpProbeRequest withoutRedirects() {
        return new HttpProbeRequest(method, url, headers, body, timeout, tlsVerify, false, bodyLimit);
    }

    public HttpProbeRequest withBodyLimit(int bytes) {
        return new HttpProbeRequest(method, url, headers, body, timeout, tlsVerify, followRedirects, bytes);
    }
}
