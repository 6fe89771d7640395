package dev.berth.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import dev.berth.access.Principal;
import dev.berth.dashboard.DashboardAssets;
import dev.berth.files.Names;
import dev.berth.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
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
    /** Answers longer than this go out chunked, a piece of about this size at a time. */
    private static final int SEND_PIECE_CHARS = 16_384;

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
    public record Request(String method, String path, List<String> pathParams, Map<String, Object> body, Principal principal) {
        /** A request made with the daemon's token (the CLI's). */
        public Request(String method, String path, List<String> pathParams, Map<String, Object> body) {
            this(method, path, pathParams, body, Principal.CLI);
        }

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
    private record Route(Set<String> methods, String path, String summary, String[] parts, Handler handler, PublicHandler publicHandler) {
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
    /** The dashboard's sessions and the audit log; null: the token only (tests of the route table). */
    private WebAccess web;
    private DashboardAssets assets;

    public ApiServer(String host, int port, String token, RequestConfigs configs, AppControllers c, DeployControllers d, BackupControllers b,
                     CheckControllers m, ProxyControllers x, LogControllers l, SeriesControllers series) throws IOException {
        this.token = token;
        this.configs = configs;
        // The whole API at a glance. Without the token, showing states and numbers only:
        open(Set.of("GET", "HEAD"), "/health", "Overall health: 200 when every check is OK or WARNING, 503 when one is CRITICAL (?check=NAME for one)", (p, query) -> m.health(query));
        open(Set.of("GET"), "/metrics", "Prometheus text exposition of apps, instances, checks, backups and deployments", (p, query) -> m.metrics());
        open(Set.of("GET", "POST", "HEAD"), "/heartbeat/{name}/{token}", "A job's heartbeat for a heartbeat check (the token is in the URL, not the daemon's)", (p, query) -> m.heartbeat(p.get(0), p.get(1)));
        // With the token:
        get("/api/v1/ping", "The daemon's version, pid and start time", c::ping);
        get("/api/v1/apps", "Every registered app with its instances (pid, state, port, CPU, memory, restarts)", c::listApps);
        get("/api/v1/apps/{name}", "One app with its instances and recent events", c::describeApp);
        get("/api/v1/apps/{name}/logs", "One instance's stdout or stderr: ?instance=N&stream=out|err, then &tail=LINES or &after=OFFSET (follow with next)", l::appLog);
        get("/api/v1/events", "Recent events of every app and backup (?limit)", c::events);
        get("/api/v1/events/{target}", "Recent events of one app or backup:NAME (?limit)", c::events);
        postWithConfig("/api/v1/start", "{config?, apps?, profile?, variables?}: start apps (sites first); outcomes per app", r -> {
            x.sitesFirst(r);
            return c.start(r);
        });
        postWithConfig("/api/v1/stop", "{apps?, config?}: stop apps (SIGTERM, then SIGKILL after kill_timeout)", c::stop);
        postWithConfig("/api/v1/restart", "{apps?, config?}: restart apps (blue-green behind the front door)", c::restart);
        postWithConfig("/api/v1/reload", "{apps?, config?, variables?}: replace each instance by a ready new one", r -> {
            x.sitesFirst(r);
            return c.reload(r);
        });
        postWithConfig("/api/v1/delete", "{apps}: stop apps and forget them", c::delete);
        post("/api/v1/resurrect", "Start again every app that should run and does not", c::resurrect);
        post("/api/v1/flush", "{apps?}: empty the apps' log files", c::flush);
        post("/api/v1/shutdown", "Stop the daemon (apps keep running)", c::shutdown);
        postWithConfig("/api/v1/deploy", "{app, config?, ref?, dry_run?}: start a deployment; {id} (follow GET /api/v1/deployments/{id})", r -> {
            x.sitesFirst(r);
            return d.deploy(r);
        });
        postWithConfig("/api/v1/rollback", "{app, release?, with_data?}: start a rollback; {id}", d::rollback);
        get("/api/v1/deployments", "Deployments, newest first (?limit)", d::list);
        get("/api/v1/deployments/{id}", "One deployment with its steps, durations and messages", d::show);
        get("/api/v1/deployments/{id}/steps/{seq}/log", "The end of one deployment step's log (at most 256 KiB)", l::stepLog);
        get("/api/v1/apps/{name}/deployments", "One app's deployments, newest first", d::list);
        get("/api/v1/apps/{name}/releases", "One app's releases and which is live", d::releases);
        postWithConfig("/api/v1/backups/run", "{name, config?}: back up a source now", b::run);
        postWithConfig("/api/v1/backups/verify", "{name, id?, restore?}: check an archive (checksum, and a test restore when asked)", b::verify);
        postWithConfig("/api/v1/backups/restore", "{name, id?, to?}: restore a source from an archive", b::restore);
        postWithConfig("/api/v1/backups/prune", "{name?}: delete archives past their retention", b::prune);
        get("/api/v1/backups", "The backup catalog: every archive with size, checksum, drill and off-site state", b::list);
        get("/api/v1/backups/sources", "The backup sources of every berth.yml the daemon watches: {name, kind, config, schedule}", b::sources);
        get("/api/v1/backups/{name}", "One source's archives", b::list);
        get("/api/v1/checks", "Every check with its state, value, latency and uptime over 24 h / 7 d / 30 d", m::list);
        get("/api/v1/series", "Metrics history: ?prefix=app/web|host|check/NAME or ?name=A,B, &from=-1h|-24h|-7d|-30d, &to, &step, &points: "
                + "{series: [{name, unit, points: [[t_ms, avg, max]]}]} (10 s points for 24 h, 1 min for 48 h, 5 min and 1 h for 30 d)", series::series);
        get("/api/v1/checks/{name}/uptime", "One check's good and total runs per hour (24) and per day (30), for uptime bars", m::uptime);
        get("/api/v1/monitor", "The monitoring set-up: channels, maintenance windows, each check's thresholds", m::setup);
        postWithConfig("/api/v1/checks/run", "{config?, names?}: run checks now", m::run);
        get("/api/v1/alerts", "Alert history with where each went and what failed (?limit)", m::alerts);
        postWithConfig("/api/v1/alerts/test", "{config, channel}: send a test alert through a channel", m::test);
        get("/api/v1/silences", "Silences in force", m::silences);
        post("/api/v1/silences", "{target, duration, reason?}: silence a check, an app, backup:NAME or all", m::silence);
        post("/api/v1/silences/end", "{target?}: end the silences of a target (all without one)", m::endSilence);
        get("/api/v1/certificates", "Every TLS site's certificate: domains, issuer, expiry, days left", x::certificates);
        get("/api/v1/certificates/{name}", "One site's (or domain's) certificate", x::certificate);
        post("/api/v1/certificates/renew", "{name, staging?}: order a certificate now", x::renew);
        get("/api/v1/proxy", "The live nginx configuration of the front door", x::show);
        get("/api/v1/proxy/status", "Each site's routes and the instances behind them, up or down", x::status);
        postWithConfig("/api/v1/proxy/apply", "{config, variables?}: serve the file's sites (render, nginx -t, swap, graceful reload)", x::apply);
        postWithConfig("/api/v1/proxy/diff", "{config, variables?}: a unified diff from the live nginx configuration to the file's", x::diff);
        post("/api/v1/proxy/stop", "Stop serving the sites (nginx drains and exits; the apps keep running)", x::stop);
        // answered by WebAccess before any token is asked for (listed here for the reference)
        post("/api/v1/session", "{token} (the daemon's or a login link's ticket) or {user, password}: log in; sets the session cookie, answers {user, role, csrf}",
                r -> { throw new ApiError(404, "NO_ROUTE", "no dashboard"); });
        get("/api/v1/session", "The session's {user, role, csrf}, or 401", r -> { throw new ApiError(404, "NO_ROUTE", "no dashboard"); });
        post("/api/v1/session/logout", "End the session (needs its X-CSRF-Token)", r -> { throw new ApiError(404, "NO_ROUTE", "no dashboard"); });
        post("/api/v1/session/ticket", "A one-time login link's ticket for `berth dashboard` (the daemon's token only)",
                r -> { if (web == null) throw new ApiError(404, "NO_ROUTE", "no dashboard"); return web.ticket(r.principal(), port()); });
        get("/api/v1/openapi.json", "This reference as an OpenAPI 3 document", r -> ApiDocs.openApi(reference(), version()));
        get("/api/v1/heartbeats/{name}", "The URL a job calls for a heartbeat check", r -> m.heartbeatUrl(r, "http://" + host + ":" + port()));

        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::dispatch);
    }

    private void get(String path, String summary, Handler h) { routes.add(new Route(Set.of("GET"), path, summary, path.split("/"), h, null)); }
    private void post(String path, String summary, Handler h) { routes.add(new Route(Set.of("POST"), path, summary, path.split("/"), h, null)); }

    /**
     * A route whose request may name a berth.yml: the file is registered with the schedulers
     * (RequestConfigs.seen) before the handler runs, so what the request raises reaches its channels.
     */
    private void postWithConfig(String path, String summary, Handler h) {
        post(path, summary, r -> {
            configs.seen(r);
            return h.handle(r);
        });
    }
    private void open(Set<String> methods, String path, String summary, PublicHandler h) { routes.add(new Route(methods, path, summary, path.split("/"), null, h)); }

    /** Every route in the order registered, a line per method (HEAD goes with GET). */
    List<ApiDocs.Entry> reference() {
        List<ApiDocs.Entry> out = new ArrayList<>();
        for (Route r : routes) {
            for (String m : List.of("GET", "POST")) {
                boolean open = r.isPublic() || r.path().equals("/api/v1/session") || r.path().equals("/api/v1/session/logout");
                if (r.methods().contains(m)) out.add(new ApiDocs.Entry(m, r.path(), r.summary(), open));
            }
        }
        return out;
    }

    private static String version() {
        String v = ApiServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** With the dashboard: its page and assets, and logins by session (before start). */
    public ApiServer withDashboard(WebAccess web, DashboardAssets assets) {
        this.web = web;
        this.assets = assets;
        return this;
    }

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

    void dispatch(HttpExchange ex) throws IOException {
        InetAddress from = ex.getRemoteAddress().getAddress();
        if (assets != null && assets.answer(ex)) return;
        if (dispatchPublic(ex)) return;
        try (ex) {
            Object result;
            int status = 200;
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            Principal who = null;
            Map<String, Object> body = Map.of();
            try {
                if (web != null && (path.equals("/api/v1/session") || path.equals("/api/v1/session/logout"))) {
                    Map<String, Object> sessionBody = readBody(ex.getRequestBody());
                    if (web.answersSession(ex, method, path, sessionBody, (st, json, headers) -> send(ex, st, json, headers))) return;
                }
                who = web == null ? bearer(ex) : web.authenticate(ex, method, path);
                // Routed on the raw path, each parameter decoded once: an encoded slash stays inside its parameter,
                // and what a handler sees is what it checks (see Names).
                Route route = null;
                List<String> params = new ArrayList<>();
                boolean pathMatched = false;
                for (Route r : routes) {
                    if (r.isPublic()) continue; // answered above, for its methods only
                    List<String> p = match(r.parts, path, ApiServer::decode);
                    if (p == null) continue;
                    pathMatched = true;
                    if (r.methods().contains(method)) {
                        route = r;
                        params = p;
                        break;
                    }
                }
                if (route == null) {
                    throw pathMatched ? new ApiError(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path)
                            : new ApiError(404, "NO_ROUTE", "no such endpoint: " + path);
                }
                body = readBody(ex.getRequestBody());
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
                if (!who.equals(Principal.CLI)) { // who did it is the session's user, whatever the body says
                    body = new LinkedHashMap<>(body);
                    body.put("who", who.name());
                    Object config = body.get("config");
                    if (config != null) {
                        Map<String, String> vars = configs.knownVariables(String.valueOf(config));
                        if (vars == null) throw new ApiError(403, "FORBIDDEN", "the dashboard acts only on the berth.yml files the daemon watches");
                        body.put("variables", vars);
                    }
                }
                result = route.handler.handle(new Request(method, path, params, body, who));
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
            if (web != null && who != null && method.equals("POST")) web.record(who, from, method, path, target(body), status);
            send(ex, status, result, Map.of());
        }
    }

    /** The CLI's way in: the daemon's token (the only one when there is no dashboard). */
    private Principal bearer(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !Token.matches(token, auth.substring(7).trim())) {
            throw new ApiError(401, "UNAUTHORIZED", "missing or wrong token (it is in BERTH_HOME/token)");
        }
        return Principal.CLI;
    }

    /** What a POST was about, for the audit log: its app(s), name or id. */
    private static String target(Map<String, Object> body) {
        for (String k : List.of("app", "apps", "name", "target", "id", "config")) {
            Object v = body.get(k);
            if (v != null) return k + "=" + v;
        }
        return null;
    }

    /**
     * An answer that fits one piece is sent with its length; a larger one (a chart's series)
     * chunked as it is written, never held whole: the daemon's heap is small (cli.DaemonJvm).
     */
    private static void send(HttpExchange ex, int status, Object json, Map<String, String> headers) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("Cache-Control", "no-store");
        DashboardAssets.securityHeaders(h);
        headers.forEach(h::set);
        OutputStream[] chunked = {null};
        String rest = Json.stream(json, SEND_PIECE_CHARS, piece -> {
            if (chunked[0] == null) {
                ex.sendResponseHeaders(status, 0);
                chunked[0] = ex.getResponseBody();
            }
            chunked[0].write(piece.toString().getBytes(StandardCharsets.UTF_8));
        });
        byte[] last = rest.getBytes(StandardCharsets.UTF_8);
        if (chunked[0] == null) ex.sendResponseHeaders(status, last.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(last);
        }
    }

    static Map<String, Object> error(String code, String message, List<String> problems) {
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
