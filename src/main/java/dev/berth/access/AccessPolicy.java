package dev.berth.access;

import java.util.List;

/**
 * Which requests a role may make from the dashboard: a viewer reads (GET, HEAD), an operator also
 * acts (POST, the API's one mutating method). Any other method is refused for both: the API has
 * none, and a rule should not allow what no one has thought about. Reads that hand out a secret
 * are an operator's too: a heartbeat's URL carries the token that records a beat.
 */
public final class AccessPolicy {
    /** Path prefixes whose GET answers hold a secret. */
    private static final List<String> SECRET_READS = List.of("/api/v1/heartbeats/");

    private AccessPolicy() { }

    /** Whether role may make the request; path is the request's raw path, without the query. */
    public static boolean permits(Role role, String method, String path) {
        if (role == null || method == null || path == null) return false;
        return switch (method) {
            case "GET", "HEAD" -> role == Role.OPERATOR || SECRET_READS.stream().noneMatch(path::startsWith);
            case "POST" -> role == Role.OPERATOR;
            default -> false;
        };
    }
}
