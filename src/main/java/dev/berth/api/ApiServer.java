package dev.berth.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import dev.berth.files.Names;
import dev.berth.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's HTTP API on 127.0.0.1. Every route is registered in {@link #routes}, where the
 * whole API can be read at once. Every request but the public routes' needs the bearer token; errors are
 * {"code","message"} JSON with stable codes.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
    private static final int MAX_BODY = 1 << 20;

    /** One route handler: request in, JSON-able value out; throws ApiError to refuse. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Request request) throws Exception;
    }

    /**
     * A route that answers without the token (load balancers, Prometheus and cron jobs call it):
     * its path parameters (null where malformed) and raw query in, its answer as it is out.
     */
    @FunctionalInterface
    public interface PublicHandler {
        RawResponse handle(List<String> pathParams, String rawQuery) throws Exception;
    }

    /** What a handler sees of a request. */
    public record Request(String method, String path, List<String> pathParams, Map<String, Object> body) {
        public String param(int i) { return pathParams.get(i); }

        @SuppressWarnings("unchecked")
        public List<String> strings(String key) {
            Object v = body.get(key);
            if (v == null) return List.of();
            if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
            return List.of(String.valueOf(v));
        }

        public String string(String key) {
            Object v = body.get(key);
            return v == null ? null : String.valueOf(v);
        }

        @SuppressWarnings("unchecked")
        public Map<String, String> stringMap(String key) {
            Object v = body.get(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (v instanceof Map<?, ?> m) m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? null : String.valueOf(val)));
            return out;
        }
    }

    /** One route: a token-guarded handler, or (publicHandler set) one that needs no token. */
    private record Route(Set<String> methods, String path, String[] parts, Handler handler, PublicHandler publicHandler) {
        boolean isPublic() { return publicHandler != null; }

        /** A public route without parameters answers its exact path only (not /health/): no other path skips the token. */
        List<String> matchPublic(String actual) {
            if (!path.contains("{")) return path.equals(actual) ? List.of() : null;
            return match(parts, actual, ApiServer::decodeOrNull);
        }
    }

    private final HttpServer server;
    private final String token;
    private final RequestConfigs configs;
    private final List<Route> routes = new ArrayList<>();

    public ApiServer(String host, int port, String token, RequestConfigs configs, AppControllers c, DeployControllers d, BackupControllers b,
                     CheckControllers m, ProxyControllers x) throws IOException {
        this.token = token;
        this.configs = configs;
        // The whole API at a glance. Without the token, showing states and numbers only:
        open(Set.of("GET", "HEAD"), "/health", (p, query) -> m.health(query));
        open(Set.of("GET"), "/metrics", (p, query) -> m.metrics());
        open(Set.of("GET", "POST", "HEAD"), "/heartbeat/{name}/{token}", (p, query) -> m.heartbeat(p.get(0), p.get(1)));
        // With the token:
        get("/api/v1/ping", c::ping);
        get("/api/v1/apps", c::listApps);
        get("/api/v1/apps/{name}", c::describeApp);
        get("/api/v1/events", c::events);
        get("/api/v1/events/{target}", c::events);
        postWithConfig("/api/v1/start", r -> {
            x.sitesFirst(r);
            return c.start(r);
        });
        postWithConfig("/api/v1/stop", c::stop);
        postWithConfig("/api/v1/restart", c::restart);
        postWithConfig("/api/v1/reload", r -> {
            x.sitesFirst(r);
            return c.reload(r);
        });
        postWithConfig("/api/v1/delete", c::delete);
        post("/api/v1/resurrect", c::resurrect);
        post("/api/v1/flush", c::flush);
        post("/api/v1/shutdown", c::shutdown);
        postWithConfig("/api/v1/deploy", r -> {
            x.sitesFirst(r);
            return d.deploy(r);
        });
        postWithConfig("/api/v1/rollback", d::rollback);
        get("/api/v1/deployments", d::list);
        get("/api/v1/deployments/{id}", d::show);
        get("/api/v1/apps/{name}/deployments", d::list);
        get("/api/v1/apps/{name}/releases", d::releases);
        postWithConfig("/api/v1/backups/run", b::run);
        postWithConfig("/api/v1/backups/verify", b::verify);
        postWithConfig("/api/v1/backups/restore", b::restore);
        postWithConfig("/api/v1/backups/prune", b::prune);
        get("/api/v1/backups", b::list);
        get("/api/v1/backups/{name}", b::list);
        get("/api/v1/checks", m::list);
        get("/api/v1/monitor", m::setup);
        postWithConfig("/api/v1/checks/run", m::run);
        get("/api/v1/alerts", m::alerts);
        postWithConfig("/api/v1/alerts/test", m::test);
        get("/api/v1/silences", m::silences);
        post("/api/v1/silences", m::silence);
        post("/api/v1/silences/end", m::endSilence);
        get("/api/v1/certificates", x::certificates);
        get("/api/v1/certificates/{name}", x::certificate);
        post("/api/v1/certificates/renew", x::renew);
        get("/api/v1/proxy", x::show);
        get("/api/v1/proxy/status", x::status);
        postWithConfig("/api/v1/proxy/apply", x::apply);
        postWithConfig("/api/v1/proxy/diff", x::diff);
        post("/api/v1/proxy/stop", x::stop);
        get("/api/v1/heartbeats/{name}", r -> m.heartbeatUrl(r, "http://" + host + ":" + port()));

        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::dispatch);
    }

    private void get(String path, Handler h) { routes.add(new Route(Set.of("GET"), path, path.split("/"), h, null)); }
    private void post(String path, Handler h) { routes.add(new Route(Set.of("POST"), path, path.split("/"), h, null)); }

    /**
     * A route whose request may name a berth.yml: the file is registered with the schedulers
     * (RequestConfigs.seen) before the handler runs, so what the request raises reaches its channels.
     */
    private void postWithConfig(String path, Handler h) {
        post(path, r -> {
            configs.seen(r);
            return h.handle(r);
        });
    }
    private void open(Set<String> methods, String path, PublicHandler h) { routes.add(new Route(methods, path, path.split("/"), null, h)); }

    public void start() { server.start(); }

    public int port() { return server.getAddress().getPort(); }

    /** Answers a request for a public route; false when none has this method and path (then it needs the token). */
    private boolean dispatchPublic(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        Route route = null;
        List<String> params = null;
        for (Route r : routes) {
            if (!r.isPublic() || !r.methods().contains(method)) continue;
            params = r.matchPublic(path);
            if (params != null) {
                route = r;
                break;
            }
        }
        if (route == null) return false;
        RawResponse raw;
        try {
            ex.getRequestBody().readNBytes(MAX_BODY); // a job may post its output; it is not kept
            raw = route.publicHandler().handle(params, ex.getRequestURI().getRawQuery());
        } catch (Exception e) { // callers without the token get no internal detail; the log has it
            LOG.log(Level.WARNING, "request failed: " + path, e);
            raw = RawResponse.json(500, error("INTERNAL", "internal error; see the daemon's log", List.of()));
        }
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", raw.contentType());
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(raw.status(), -1);
            } else {
                ex.sendResponseHeaders(raw.status(), raw.body().length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(raw.body());
                }
            }
        }
        return true;
    }

    private void dispatch(HttpExchange ex) throws IOException {
        if (dispatchPublic(ex)) return;
        try (ex) {
            Object result;
            int status = 200;
            try {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || !Token.matches(token, auth.substring(7).trim())) {
                    throw new ApiError(401, "UNAUTHORIZED", "missing or wrong token (it is in BERTH_HOME/token)");
                }
                // Routed on the raw path, each parameter decoded once: an encoded slash stays inside its parameter,
                // and what a handler sees is what it checks (see Names).
                String path = ex.getRequestURI().getRawPath();
                Route route = null;
                List<String> params = new ArrayList<>();
                boolean pathMatched = false;
                for (Route r : routes) {
                    if (r.isPublic()) continue; // answered above, for its methods only
                    List<String> p = match(r.parts, path, ApiServer::decode);
                    if (p == null) continue;
                    pathMatched = true;
                    if (r.methods().contains(ex.getRequestMethod())) {
                        route = r;
                        params = p;
                        break;
                    }
                }
                if (route == null) {
                    throw pathMatched ? new ApiError(405, "METHOD_NOT_ALLOWED", ex.getRequestMethod() + " is not allowed on " + path)
                            : new ApiError(404, "NO_ROUTE", "no such endpoint: " + path);
                }
                Map<String, Object> body = readBody(ex.getRequestBody());
                String query = ex.getRequestURI().getRawQuery();
                if (query != null) { // ?limit=50 and the like, read like body fields (the body wins)
                    body = new LinkedHashMap<>(body);
                    for (String kv : query.split("&")) {
                        int eq = kv.indexOf('=');
                        String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                        String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                        body.putIfAbsent(k, v);
                    }
                }
                Request request = new Request(ex.getRequestMethod(), path, params, body);
                result = route.handler.handle(request);
            } catch (ApiError e) {
                status = e.status;
                result = error(e.code, e.getMessage(), e.problems);
            } catch (ConfigException e) {
                status = 422;
                result = error("CONFIG_INVALID", "berth.yml has " + e.problems().size() + " problem(s)",
                        e.problems().stream().map(ConfigProblem::toString).toList());
            } catch (Names.Unknown e) {
                status = 404;
                result = error("NOT_FOUND", e.getMessage(), List.of());
            } catch (IllegalArgumentException e) {
                status = 400;
                result = error("BAD_REQUEST", e.getMessage(), List.of());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "request failed", e);
                status = 500;
                result = error("INTERNAL", e.toString(), List.of());
            }
            byte[] bytes = Json.write(result).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private static Map<String, Object> error(String code, String message, List<String> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        if (!problems.isEmpty()) m.put("problems", problems);
        return m;
    }

    private static List<String> match(String[] parts, String path, UnaryOperator<String> decode) {
        String[] actual = path.split("/");
        if (actual.length != parts.length) return null;
        List<String> params = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].startsWith("{")) params.add(decode.apply(actual[i]));
            else if (!parts[i].equals(actual[i])) return null;
        }
        return params;
    }

    /** One path segment, percent-decoded once (a malformed escape is a 400). */
    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    /** A public route's parameter: a malformed one names nothing there is (the handler answers 404). */
    private static String decodeOrNull(String segment) {
        try {
            return decode(segment);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static Map<String, Object> readBody(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_BODY + 1);
        if (data.length > MAX_BODY) throw new ApiError(413, "TOO_LARGE", "request body over 1 MiB");
        if (data.length == 0) return Map.of();
        try {
            return Json.readMap(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BAD_JSON", e.getMessage());
        }
    }

    @Override public void close() {
        server.stop(0);
    }
}
