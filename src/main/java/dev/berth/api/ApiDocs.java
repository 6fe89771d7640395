package dev.berth.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API's reference, made from the routes as ApiServer registers them (the one place): an
 * OpenAPI 3 document for GET /api/v1/openapi.json, and the Markdown of docs/api.md. A route
 * without a summary cannot be registered, and ApiDocsTest fails when docs/api.md differs.
 */
final class ApiDocs {
    /** One registered route, as the reference shows it. */
    record Entry(String method, String path, String summary, boolean open) { }

    /** Every error code, what it means and its status: the stable part of an error answer. */
    static final Map<String, String> ERRORS = errors();

    private static Map<String, String> errors() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("UNAUTHORIZED", "401: no token or session, or a wrong one");
        m.put("LOGIN_FAILED", "401: wrong user, password or token at POST /api/v1/session");
        m.put("FORBIDDEN", "403: the session's role may not do this (a viewer's POST), or the address is outside the admin allow-list");
        m.put("CSRF", "403: a POST with a session cookie but without its X-CSRF-Token");
        m.put("LOGIN_LIMITED", "429: too many failed logins from this address; retry_after_s says when to try again");
        m.put("NO_ROUTE", "404: no such endpoint");
        m.put("NOT_FOUND", "404: no such app, check, backup, deployment or site (the message lists those there are)");
        m.put("METHOD_NOT_ALLOWED", "405: the endpoint exists, not with this method");
        m.put("BAD_REQUEST", "400: a parameter is missing or wrong; the message names it");
        m.put("BAD_JSON", "400: the body is not a JSON object");
        m.put("TOO_LARGE", "413: the body is over 1 MiB");
        m.put("CONFIG_INVALID", "422: the berth.yml named has problems; problems lists each with file:line:column");
        m.put("PROXY_REFUSED", "422: nginx refused the configuration the sites give; the message names the berth.yml line");
        m.put("NO_SITES", "422: the berth.yml has no sites: for the front door");
        m.put("CERTIFICATE_FAILED", "422: the ACME server refused the order; the message has its words");
        m.put("DEPLOY_REFUSED", "409: a deployment cannot start (another runs, no such release, ...)");
        m.put("PROXY_STOP_FAILED", "500: the front door could not be stopped");
        m.put("NO_HISTORY", "503: the metrics history (history.db) could not be opened; the daemon's log says why");
        m.put("INTERNAL", "500: a fault of the daemon; its log has the detail");
        return m;
    }

    private ApiDocs() { }

    static Map<String, Object> openApi(List<Entry> routes, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Berth daemon API", "version", version,
                "description", "Every answer is JSON; an error is {code, message, problems?} with a stable code (see x-error-codes)."));
        Map<String, Object> schemes = new LinkedHashMap<>();
        schemes.put("token", Map.of("type", "http", "scheme", "bearer", "description", "the daemon's token, BERTH_HOME/token"));
        schemes.put("session", Map.of("type", "apiKey", "in", "cookie", "name", "berth_session",
                "description", "a dashboard session (POST /api/v1/session); each POST also needs X-CSRF-Token"));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "object");
        error.put("required", List.of("code", "message"));
        error.put("properties", Map.of("code", Map.of("type", "string", "enum", List.copyOf(ERRORS.keySet())),
                "message", Map.of("type", "string"), "problems", Map.of("type", "array", "items", Map.of("type", "string"))));
        doc.put("components", Map.of("securitySchemes", schemes, "schemas", Map.of("Error", error)));
        doc.put("security", List.of(Map.of("token", List.of()), Map.of("session", List.of())));
        doc.put("x-error-codes", ERRORS);
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Entry e : routes) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", e.summary());
            op.put("operationId", operationId(e));
            List<Object> params = new ArrayList<>();
            for (String part : e.path().split("/")) {
                if (part.startsWith("{")) params.add(Map.of("name", part.substring(1, part.length() - 1), "in", "path", "required", true,
                        "schema", Map.of("type", "string")));
            }
            if (!params.isEmpty()) op.put("parameters", params);
            if (e.open()) op.put("security", List.of());
            if (e.method().equals("POST") && !e.open()) {
                op.put("requestBody", Map.of("required", false, "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
            }
            Map<String, Object> responses = new LinkedHashMap<>();
            responses.put("200", Map.of("description", "OK", "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
            responses.put("default", Map.of("description", "an error", "content",
                    Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
            op.put("responses", responses);
            paths.computeIfAbsent(e.path(), k -> new LinkedHashMap<>()).put(e.method().toLowerCase(), op);
        }
        doc.put("paths", paths);
        return doc;
    }

    private static String operationId(Entry e) {
        StringBuilder sb = new StringBuilder(e.method().toLowerCase());
        for (String part : e.path().replace("/api/v1", "").split("[/{}.-]")) {
            if (part.isEmpty()) continue;
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }

    /** docs/api.md: every route in the order registered, then the error codes. */
    static String markdown(List<Entry> routes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# The daemon's REST API\n\n");
        sb.append("Generated from the routes as the daemon registers them (`ApiServer`); `ApiDocsTest` fails when this file\n");
        sb.append("differs from them (`mvn -q test -Dtest=ApiDocsTest -Dberth.writeApiDocs=true` writes it again). The same\n");
        sb.append("reference is served as OpenAPI 3 at `GET /api/v1/openapi.json`.\n\n");
        sb.append("The daemon listens on 127.0.0.1. Every route but the open ones needs `Authorization: Bearer TOKEN` (the\n");
        sb.append("token is in `BERTH_HOME/token`) or a dashboard session cookie; with the cookie, every POST also needs the\n");
        sb.append("session's `X-CSRF-Token`, and a `viewer` may only GET. Bodies and answers are JSON.\n\n");
        sb.append("| method | path | what | token |\n| --- | --- | --- | --- |\n");
        for (Entry e : routes) {
            sb.append("| ").append(e.method()).append(" | `").append(e.path()).append("` | ").append(e.summary().replace("|", "\\|"))
                    .append(" | ").append(e.open() ? "no" : "yes").append(" |\n");
        }
        sb.append("\n## Errors\n\nAn error answer is `{\"code\": \"...\", \"message\": \"...\"}` (and `problems` for a berth.yml's). The codes\n");
        sb.append("are stable; scripts may rely on them:\n\n| code | status and meaning |\n| --- | --- |\n");
        ERRORS.forEach((code, what) -> sb.append("| `").append(code).append("` | ").append(what).append(" |\n"));
        return sb.toString();
    }
}
