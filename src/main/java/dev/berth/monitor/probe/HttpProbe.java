package dev.berth.monitor.probe;

import dev.berth.http.HttpProbeRequest;
import dev.berth.http.HttpProber;
import dev.berth.json.Json;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An HTTP(S) request whose answer must have an expected status, and optionally a body that
 * contains some text or a JSON field with some value, within a latency limit.
 *
 * <p>The checks, in order, each CRITICAL when it fails: the request completes within the
 * timeout; the status is in {@code expectStatus}; the body contains {@code bodyContains}; the
 * body is JSON with a value at {@code jsonPath} that equals {@code jsonEquals} (or, without
 * jsonEquals, is present and neither null nor false). Then the latency is judged by
 * {@code latencyMs}. Only the first 64 KiB of the body are read; redirects are followed
 * (never from https to http).
 *
 * @param method       GET when null
 * @param headers      request headers; none when null
 * @param body         request body sent as is; none when null
 * @param expectStatus statuses that count as up; {200} when null or empty (see {@link #statusRange})
 * @param bodyContains text the body must contain, or null
 * @param jsonPath     a {@link JsonPath} into the body, or null
 * @param jsonEquals   the expected value at jsonPath, written as in JSON ({@code "up"} or
 *                     {@code up} for a string, {@code true}, {@code 3}); null for "present and truthy"
 * @param latencyMs    limits on the time to the end of the body; warning none, critical 3000 ms when null
 * @param tlsVerify    check the server's certificate and host name; off only for self-signed endpoints
 */
public record HttpProbe(String method, URI url, Map<String, String> headers, String body, Set<Integer> expectStatus,
                        String bodyContains, String jsonPath, String jsonEquals, Thresholds latencyMs,
                        boolean tlsVerify) implements Probe {

    public static final Thresholds DEFAULT_LATENCY_MS = Thresholds.above(null, 3000.0);
    public static final int MAX_BODY_BYTES = 64 * 1024;

    public HttpProbe {
        Objects.requireNonNull(url, "url");
        method = method == null || method.isBlank() ? "GET" : method.strip().toUpperCase(Locale.ROOT);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        expectStatus = expectStatus == null || expectStatus.isEmpty() ? Set.of(200) : Set.copyOf(expectStatus);
        latencyMs = latencyMs == null ? DEFAULT_LATENCY_MS : latencyMs;
        if (jsonPath != null) JsonPath.parse(jsonPath); // a bad path is a definition error, not a failed check
        if (jsonEquals != null && jsonPath == null) throw new IllegalArgumentException("jsonEquals needs a jsonPath");
    }

    /** Stops the shared HTTP clients' threads, for a process about to exit (the next probe makes new ones). */
    public static void closeClients() {
        HttpProber.closeClients();
    }

    /**
     * The URL as messages show it: without user info and query, which may hold tokens (messages
     * reach /health, which needs no token, and alert channels).
     */
    String shown() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** A plain GET expecting 200 within the default latency limit, verifying TLS. */
    public static HttpProbe get(URI url) {
        return new HttpProbe("GET", url, null, null, null, null, null, null, null, true);
    }

    /** Every status from {@code from} to {@code to}, inclusive: {@code statusRange(200, 399)}. */
    public static Set<Integer> statusRange(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public ProbeResult run(Duration timeout) {
        return runAsync(timeout).join();
    }

    /**
     * Sends the request without blocking a thread; the future always completes normally, by the
     * timeout at the latest, with CRITICAL for any error. Many of these can be in flight at once
     * on the shared client.
     */
    public CompletableFuture<ProbeResult> runAsync(Duration timeout) {
        HttpProbeRequest request = new HttpProbeRequest(method, url, headers, body, timeout, tlsVerify, true, MAX_BODY_BYTES);
        return HttpProber.sendAsync(request).thenApply(a -> switch (a.outcome()) {
            case ANSWERED -> judge(a.status(), a.body(), a.truncated(), a.elapsedMillis());
            case INVALID_REQUEST -> ProbeResult.failed("invalid request: " + a.problem(), a.elapsedMillis());
            case FAILED -> ProbeResult.failed(method + " " + shown() + ": " + a.problem(), a.elapsedMillis());
            case TIMED_OUT -> ProbeResult.failed(method + " " + shown() + ": timed out after " + Quantities.duration(timeout),
                    a.elapsedMillis());
        });
    }

    /** The verdict on a response; package-private so the rules can be tested without a server. */
    ProbeResult judge(int status, String text, boolean truncated, long millis) {
        String latency = "latency " + Quantities.format(millis, "ms") + " " + latencyMs.verdict(millis, "ms");
        if (!expectStatus.contains(status)) {
            return critical("status " + status + ", expected " + expected() + " (critical); " + latency, millis);
        }
        String scope = truncated ? "the first 64 KiB of the body" : "the body";
        if (bodyContains != null && !text.contains(bodyContains)) {
            return critical(scope + " does not contain " + Json.write(bodyContains) + " (critical); status " + status
                    + ", " + latency, millis);
        }
        String found = "";
        if (jsonPath != null) {
            Object document;
            try {
                document = Json.read(text);
            } catch (IllegalArgumentException e) {
                return critical(scope + " is not JSON, so " + jsonPath + " cannot be read (critical): "
                        + Quantities.clip(e.getMessage(), 160), millis);
            }
            JsonPath path = JsonPath.parse(jsonPath);
            if (!path.has(document)) {
                return critical(jsonPath + " is missing from the JSON body (critical); status " + status, millis);
            }
            Object value = path.get(document);
            String shown = Quantities.clip(Json.write(value), 100);
            if (jsonEquals != null ? !sameJson(value, jsonEquals) : value == null || Boolean.FALSE.equals(value)) {
                String expected = jsonEquals != null ? ", expected " + Quantities.clip(jsonEquals, 100) : ", expected a value that is not null or false";
                return critical(jsonPath + " is " + shown + expected + " (critical); status " + status, millis);
            }
            found = ", " + jsonPath + " is " + shown;
        }
        return new ProbeResult(latencyMs.state(millis), (double) millis, "ms", "status " + status + found + ", " + latency, millis);
    }

    private static ProbeResult critical(String message, long millis) {
        return new ProbeResult(CheckState.CRITICAL, (double) millis, "ms", message, millis);
    }

    private String expected() {
        return expectStatus.size() == 1 ? expectStatus.iterator().next().toString()
                : new TreeSet<>(expectStatus).toString();
    }

    /**
     * Whether a JSON value matches what the user wrote: numbers by value (1 matches 1.0), a
     * string with or without its quotes, anything else by its JSON text.
     */
    static boolean sameJson(Object value, String expected) {
        String want = expected.strip();
        Object parsed;
        try {
            parsed = Json.read(want);
        } catch (IllegalArgumentException e) {
            parsed = want; // an unquoted string: up, ok
        }
        if (value instanceof Number a && parsed instanceof Number b) return a.doubleValue() == b.doubleValue();
        if (value instanceof String s) return s.equals(parsed instanceof String p ? p : want);
        return Json.write(value).equals(Json.write(parsed));
    }
}
