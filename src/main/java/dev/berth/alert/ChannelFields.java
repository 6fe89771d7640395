package dev.berth.alert;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Checks channel settings when a channel is made, and shows them without their secrets:
 * webhook URLs carry access tokens in their path or query, header values are usually
 * credentials.
 */
final class ChannelFields {
    private ChannelFields() { }

    static String required(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(what + " is required");
        return value;
    }

    static URI httpUrl(URI uri, String what) {
        if (uri == null) throw new IllegalArgumentException(what + " is required");
        boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        if (!http || uri.getHost() == null) throw new IllegalArgumentException(what + " must be an http(s) URL, not " + shown(uri));
        return uri;
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }

    /** "https://qyapi.weixin.qq.com/…": scheme and host, nothing that could be a key. */
    static String shown(URI uri) {
        return uri == null ? "null" : uri.getScheme() + "://" + uri.getHost() + "/…";
    }

    static String shownSecret(String secret) {
        return secret == null || secret.isEmpty() ? "none" : "***";
    }

    static String shownHeaders(Map<String, String> headers) {
        return headers.keySet().stream().map(k -> k + "=***").collect(Collectors.joining(", ", "{", "}"));
    }
}
