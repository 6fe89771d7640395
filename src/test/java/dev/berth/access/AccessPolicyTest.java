package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource({
        "VIEWER,   GET,     /api/v1/apps,                 true",
        "VIEWER,   HEAD,    /api/v1/apps,                 true",
        "VIEWER,   POST,    /api/v1/restart,              false",
        "VIEWER,   POST,    /api/v1/deploy,               false",
        "VIEWER,   GET,     /api/v1/heartbeats/nightly,   false",
        "VIEWER,   DELETE,  /api/v1/apps/web,             false",
        "VIEWER,   get,     /api/v1/apps,                 false",
        "OPERATOR, GET,     /api/v1/apps,                 true",
        "OPERATOR, POST,    /api/v1/restart,              true",
        "OPERATOR, POST,    /api/v1/backups/restore,      true",
        "OPERATOR, GET,     /api/v1/heartbeats/nightly,   true",
        "OPERATOR, PUT,     /api/v1/apps/web,             false",
        "OPERATOR, DELETE,  /api/v1/apps/web,             false",
        "OPERATOR, PATCH,   /api/v1/apps/web,             false",
        "OPERATOR, OPTIONS, /api/v1/apps,                 false",
        "OPERATOR, TRACE,   /api/v1/apps,                 false",
    })
    void permits(Role role, String method, String path, boolean allowed) {
        assertEquals(allowed, AccessPolicy.permits(role, method, path));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"null, GET, /api/v1/apps", "OPERATOR, null, /api/v1/apps", "OPERATOR, GET, null"})
    void anythingMissingIsRefused(Role role, String method, String path) {
        assertEquals(false, AccessPolicy.permits(role, method, path));
    }
}
