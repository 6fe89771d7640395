package dev.berth.alert;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request a channel's format builds; ChannelSender sends it. Keeping them apart lets the formats be read as data. */
record HttpPost(URI uri, Map<String, String> headers, String body) {
    static HttpPost json(URI uri, String body) {
        return new HttpPost(uri, Map.of("Content-Type", "application/json; charset=utf-8"), body);
    }

    /** A JSON object with its members in the order given, so what goes out reads like the service's docs. */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return out;
    }

    /** How a service says yes: null when it took the message, else its own words for why not. */
    @FunctionalInterface
    interface Verdict {
        String refusal(int status, String body);
    }
}
