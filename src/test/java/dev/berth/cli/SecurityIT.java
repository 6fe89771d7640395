package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BERTH_HOME is private, the API wants the token and listens on loopback only, and env values never leave the daemon. */
class SecurityIT {
    private static final String SECRET = "s3cr3t-value-xyz";

    @TempDir Path tmp;
    BerthRun berth;

    @BeforeEach void setUp() throws Exception {
        berth = BerthRun.withFreshHome(tmp);
    }

    @AfterEach void tearDown() {
        berth.close();
    }

    private Map<String, Object> daemonInfo() throws IOException {
        return Json.readMap(Files.readString(berth.home.resolve("daemon.json")));
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private void startApp() throws IOException {
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    env: { MY_SETTING: %s }
                    ready: { port: true, timeout: 10s }
                """.formatted(BerthRun.freePort(), SECRET));
        berth.ok("start");
    }

    @Test void berthHomeTokenAndStateDatabaseArePrivate() throws Exception {
        assertFalse(Files.exists(berth.home));
        startApp();
        assertEquals("rwx------", perms(berth.home), "BERTH_HOME");
        assertEquals("rw-------", perms(berth.home.resolve("token")), "token");
        assertEquals("rw-------", perms(berth.home.resolve("state.db")), "state.db");
        for (String companion : new String[] {"state.db-wal", "state.db-shm"}) {
            Path p = berth.home.resolve(companion);
            if (Files.exists(p)) assertEquals("rw-------", perms(p), companion);
        }
        assertEquals("rw-------", perms(berth.home.resolve("daemon.json")), "daemon.json");
        assertEquals("rw-------", perms(berth.home.resolve("secret.key")), "secret.key");
    }

    /**
     * BerthHome's promise is "The directory is 0700", and the app logs under it are 0644: a BERTH_HOME
     * that already exists (created by mkdir, by a provisioning tool, or by this harness) must be
     * tightened too, or the logs are readable by every local user.
     */
    @Test void anExistingBerthHomeIsMadePrivateToo() throws Exception {
        try (BerthRun existing = new BerthRun(tmp.resolve("existing"))) {
            Files.setPosixFilePermissions(existing.home, PosixFilePermissions.fromString("rwxr-xr-x"));
            // what an older Berth left with the umask's modes
            Path logs = Files.createDirectories(existing.home.resolve("logs"));
            Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path oldLog = Files.writeString(logs.resolve("web-0-out.log"), "from before\n");
            Files.setPosixFilePermissions(oldLog, PosixFilePermissions.fromString("rw-r--r--"));
            existing.writeConfig("""
                    apps:
                      web:
                        script: $TESTAPPS/never_ready.py
                        min_uptime: 200ms
                    """);
            existing.ok("start");
            assertEquals("rwx------", perms(existing.home), "BERTH_HOME");
            assertEquals("rwx------", perms(logs), "logs/ an older Berth made");
            assertEquals("rw-------", perms(oldLog), "a log an older Berth made");
        }
    }

    private record Reply(int status, String body) {
        String code() { return body.isEmpty() ? null : String.valueOf(Json.readMap(body).get("code")); }
    }

    private Reply call(String path, String token) throws IOException {
        return call("GET", path, token == null ? null : "Bearer " + token, null);
    }

    /** One request as sent, path bytes untouched: authorization is the whole header (null: none), body is JSON or null. */
    private Reply call(String method, String path, String authorization, String body) throws IOException {
        Map<String, Object> info = daemonInfo();
        var c = (HttpURLConnection) URI.create("http://127.0.0.1:" + info.get("port") + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        c.setRequestMethod(method);
        if (authorization != null) c.setRequestProperty("Authorization", authorization);
        if (body != null) {
            c.setDoOutput(true);
            c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private String token() throws IOException {
        return Files.readString(berth.home.resolve("token")).trim();
    }

    /** Every route ApiServer registers, as "METHOD path", read from its source: a new route is covered without editing this test. */
    private static java.util.List<String> registeredRoutes() throws IOException {
        String source = Files.readString(BerthRun.ROOT.resolve("src/main/java/dev/berth/api/ApiServer.java"));
        java.util.List<String> routes = new java.util.ArrayList<>();
        var m = java.util.regex.Pattern.compile("\\b(get|post)\\(\"(/api/v1/[^\"]*)\"").matcher(source);
        while (m.find()) routes.add(m.group(1).toUpperCase(java.util.Locale.ROOT) + " " + m.group(2).replaceAll("\\{[a-z]+}", "web"));
        return routes;
    }

    @Test void theApiRefusesCallsWithoutTheRightTokenAndListensOnLoopbackOnly() throws Exception {
        startApp();
        String token = token();
        java.util.List<String> routes = registeredRoutes();
        assertTrue(routes.size() > 20 && routes.contains("POST /api/v1/shutdown"), "the routes were found: " + routes);
        routes.add("GET /api/v1/nosuchroute");
        // Only the exact token, as a bearer token, opens a route: not a prefix, an extension, another case or scheme.
        String[] wrong = {null, "", "Bearer", "Bearer ", "Bearer not-the-token", "Bearer " + token + "x", "Bearer " + token.substring(1),
                "Bearer " + token.substring(0, token.length() - 1), "Bearer " + token.toUpperCase(java.util.Locale.ROOT) + "!", token,
                "Basic " + token, "Token " + token};
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            for (String authorization : wrong) {
                Reply r = call(method, path, authorization, method.equals("POST") ? "{\"apps\":[\"web\"]}" : null);
                assertFalse(r.body().contains(SECRET));
                if (route.equals("POST /api/v1/session")) { // the login itself: a failed one, and after five, held off
                    assertTrue(r.status() == 401 && r.code().equals("LOGIN_FAILED") || r.status() == 429 && r.code().equals("LOGIN_LIMITED"), r.body());
                    continue;
                }
                assertEquals(401, r.status(), route + " with Authorization: " + authorization + ": " + r);
                assertEquals("UNAUTHORIZED", r.code(), r.body());
            }
            Reply inQuery = call(method, path + "?token=" + token + "&access_token=" + token, null, null);
            if (route.equals("POST /api/v1/session")) continue;
            assertEquals(401, inQuery.status(), route + " with the token in the query: " + inQuery);
        }
        assertTrue(berth.daemonAlive(), "an unauthorized shutdown did nothing");
        // The right token works, so the 401s above are about the token and nothing else.
        assertEquals(200, call("/api/v1/apps", token).status());
        // The routes without the token show names, states and numbers only.
        for (String open : new String[] {"/health", "/metrics", "/heartbeat/web/" + token}) {
            Reply r = call(open, null);
            assertFalse(r.body().contains(SECRET) || r.body().contains(token), open + ": " + r);
        }

        Map<String, Object> info = daemonInfo();
        assertEquals("127.0.0.1", info.get("host"));
        int port = ((Number) info.get("port")).intValue();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) continue;
            for (InetAddress addr : Collections.list(nif.getInetAddresses())) {
                if (!(addr instanceof Inet4Address)) continue;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(addr, port), 1000);
                    throw new AssertionError("the daemon answers on " + addr + ":" + port);
                } catch (IOException expected) {
                    // refused: good
                }
            }
        }
    }

    @Test void noGetRouteAnswersAPlantedSecret() throws Exception {
        String inEnvFile = "planted-env-file-value-7731";
        String inWebhook = "planted-webhook-key-5519";
        Files.writeString(berth.project.resolve("app.env"), "FILE_SECRET=" + inEnvFile + "\n");
        Files.writeString(berth.project.resolve("alerts.env"), "HOOK=https://hooks.example.test/send?key=" + inWebhook + "\n");
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    env_file: app.env
                    args: ["--token=${FILE_SECRET}"]
                    env: { MY_SETTING: %s }
                checks:
                  home: { http: "http://127.0.0.1:1/", interval: 1s }
                alerts:
                  env_file: alerts.env
                  channels:
                    ops: { slack: "${HOOK}" }
                """.formatted(BerthRun.freePort(), SECRET));
        berth.ok("start");
        berth.run("check"); // the checks ran (and the failing one alerted) at least once
        String token = token();
        java.util.List<String> routes = registeredRoutes();
        int gets = 0;
        for (String route : routes) {
            if (!route.startsWith("GET ")) continue;
            gets++;
            Reply r = call(route.substring(4), token);
            for (String secret : new String[] {SECRET, inEnvFile, inWebhook, token}) {
                assertFalse(r.body().contains(secret), route + " answers a secret: " + r.body());
            }
        }
        assertTrue(gets > 25, "GET routes found: " + gets);
        // the command line a ${VAR} put a secret in is shown with *** in its place
        assertTrue(call("/api/v1/apps/web", token).body().contains("--token=***"), call("/api/v1/apps/web", token).body());
    }

    @Test void envValuesNeverAppearInStatusOrDescribe() throws Exception {
        startApp();
        // A restart with a changed value records an env change: its keys, not its values.
        berth.writeConfig(Files.readString(berth.project.resolve("berth.yml")).replace(SECRET, SECRET + "-2"));
        berth.ok("restart", "web");
        for (String[] cmd : new String[][] {{"status", "--json"}, {"describe", "web", "--json"}, {"status"}, {"describe", "web"}}) {
            BerthRun.Result r = berth.ok(cmd);
            assertFalse(r.all().contains(SECRET), "berth " + String.join(" ", cmd) + " shows an env value:\n" + r);
        }
        assertTrue(berth.ok("describe", "web").out().contains("~MY_SETTING"), "describe must still name the changed key");
    }

    /**
     * A release id is a name Berth made: `rollback` takes only an id `berth releases` lists, never
     * a path. `../../outside` (from releases/) and an absolute path are refused on the CLI and the
     * API, with exit 4 / 404 and the list; nothing is started from them and `current` stays.
     */
    @Test void aRollbackTakesOnlyAListedReleaseNeverAPath() throws Exception {
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        repo.commit("v1");
        Path base = tmp.resolve("srv/web");
        // what releases/../../outside reaches: code that must never run
        Path outside = Files.createDirectories(tmp.resolve("srv/outside"));
        Files.copy(BerthRun.TESTAPPS.resolve("release_app.py"), outside.resolve("release_app.py"));
        Files.writeString(outside.resolve("VERSION"), "outside\n");
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: /, timeout: 10s }
                    deploy: { path: %s, git: %s, settle: 1s }
                """.formatted(port, base, repo.dir));
        berth.ok("deploy", "web");
        String v1 = TestRepo.read(base.resolve("current"));
        Thread.sleep(1100); // release ids have a one-second resolution
        repo.commit("v2");
        berth.ok("deploy", "web");
        String v2 = TestRepo.read(base.resolve("current"));
        Path current = Files.readSymbolicLink(base.resolve("current"));

        for (String given : new String[] {"../../outside", outside.toString(), "..", v1 + "/../../../outside", v1 + "/"}) {
            BerthRun.Result r = berth.run("rollback", "web", given);
            assertEquals(4, r.exit(), "rollback web " + given + ": " + r);
            assertTrue(r.err().contains("releases of web: " + v2 + ", " + v1), "the refusal lists the releases: " + r);
            String body = Json.write(Map.of("app", "web", "release", given, "config", berth.project.resolve("berth.yml").toString(), "who", "test"));
            Reply api = call("POST", "/api/v1/rollback", "Bearer " + token(), body);
            assertEquals(404, api.status(), "POST /api/v1/rollback " + given + ": " + api);
            assertEquals("NOT_FOUND", api.code(), api.body());
            assertTrue(api.body().contains(v1), api.body());
        }
        assertEquals(current, Files.readSymbolicLink(base.resolve("current")), "current is untouched");
        assertEquals("version=v2", BerthRun.httpGet(port, "/"));
        String history = berth.ok("deployments", "web").out();
        assertFalse(history.contains("rollback"), "no rollback was even begun: " + history);

        // the id of a listed release is what a rollback takes
        berth.ok("rollback", "web", v1);
        assertEquals("version=v1", BerthRun.httpGet(port, "/"));
        assertEquals(v1, TestRepo.read(base.resolve("current")));
    }

    /**
     * Every other name a caller gives for a thing on disk (app and log names, deployment ids,
     * backup names and archive ids, check and heartbeat names) is checked the same way, after all
     * decoding: refused with exit 4 (404 NOT_FOUND) and the names there are. The heartbeat-URL
     * route, which decoded its parameter twice, mints no token for `../../api/v1/shutdown`.
     */
    @Test void everyNameOfAThingOnDiskIsOneOfTheListedOnesAfterAllDecoding() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                backups:
                  files: { dir: %s, compress: gzip }
                checks:
                  nightly: { heartbeat: 1d }
                """.formatted(BerthRun.freePort(), data));
        berth.ok("start");
        berth.ok("backup", "run", "files");
        String beat = berth.ok("check", "--heartbeat-url", "nightly").out().strip();
        assertEquals(200, call("POST", URI.create(beat).getRawPath(), null, null).status(), "the listed heartbeat works");

        String[][] refused = {
                {"deployments", "show", "../1", "there are no deployments"},
                {"backup", "list", "../files", ": files"},
                {"backup", "verify", "../files", ": files"},
                {"backup", "restore", "../1", "--yes", ": 1 (files)"},
                {"backup", "run", "../files", ": files"},
                {"backup", "prune", "../files", ": files"},
                {"check", "../nightly", "app:web, nightly"},
                {"check", "--heartbeat-url", "../nightly", ": nightly"},
                {"logs", "../web", ": web"},
                {"describe", "../web", ": web"},
                {"flush", "../web", ": web"},
                {"stop", "../web", ": web"},
        };
        for (String[] row : refused) {
            String[] args = java.util.Arrays.copyOf(row, row.length - 1);
            BerthRun.Result r = berth.run(args);
            assertEquals(4, r.exit(), "berth " + String.join(" ", args) + ": " + r);
            assertTrue(r.err().contains(row[row.length - 1]), "berth " + String.join(" ", args) + " lists what there is: " + r);
        }

        assertEquals(0, berth.run("backup", "prune", "all", "--dry-run").exit(), "all is not a name but every backup");

        String auth = "Bearer " + token();
        String config = Json.write(berth.project.resolve("berth.yml").toString());
        String[][] api = {
                {"GET", "/api/v1/heartbeats/..%252F..%252Fapi%252Fv1%252Fshutdown", null},
                {"GET", "/api/v1/heartbeats/..%2F..%2Fapi%2Fv1%2Fshutdown", null},
                {"GET", "/api/v1/heartbeats/%2E%2E", null},
                {"GET", "/api/v1/apps/..%2Fweb", null},
                {"GET", "/api/v1/apps/%252E%252E%252Fweb/releases", null},
                {"GET", "/api/v1/deployments/..%2F1", null},
                {"GET", "/api/v1/backups/..%2Ffiles", null},
                {"POST", "/api/v1/backups/restore", "{\"config\":" + config + ",\"id\":\"../1\"}"},
                {"POST", "/api/v1/backups/verify", "{\"config\":" + config + ",\"target\":\"/etc/passwd\"}"},
                {"POST", "/api/v1/checks/run", "{\"config\":" + config + ",\"names\":[\"../nightly\"]}"},
        };
        for (String[] row : api) {
            Reply r = call(row[0], row[1], auth, row[2]);
            assertEquals(404, r.status(), row[0] + " " + row[1] + ": " + r);
            assertEquals("NOT_FOUND", r.code(), row[0] + " " + row[1] + ": " + r);
            assertFalse(r.body().contains("\"url\""), "no heartbeat URL: " + r);
        }
        assertEquals(404, call("GET", "/heartbeat/..%2Fnightly/x", null, null).status());
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + berth.home.resolve("state.db"));
             var rs = db.createStatement().executeQuery("SELECT group_concat(name) FROM heartbeats")) {
            assertEquals("nightly", rs.next() ? rs.getString(1) : null, "a token was made for the listed heartbeat only");
        }
        assertTrue(berth.daemonAlive());
        assertEquals("running", berth.state("web", 0));
    }

    /** Every regular file under BERTH_HOME (state.db-wal included) that holds one of the markers, with which. */
    private java.util.List<String> filesHolding(String... markers) throws IOException {
        java.util.List<String> found = new java.util.ArrayList<>();
        try (var files = Files.walk(berth.home)) {
            for (Path f : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String m : markers) if (bytes.contains(m)) found.add(berth.home.relativize(f) + " holds " + m);
            }
        }
        return found;
    }

    /**
     * What Berth keeps of a secret under BERTH_HOME is sealed: a ${VAR} value the CLI passes (kept
     * with the app in state.db, and with the watched files' variables), the literal values of a
     * berth.yml and its env files (in the last good copy and a release's recorded copy). Marker
     * values are looked for in every file under BERTH_HOME, the WAL included, while the app runs
     * on them.
     */
    @Test void noSecretIsKeptInClearUnderBerthHome() throws Exception {
        String fromShell = "shell-marker-" + Long.toHexString(System.nanoTime());
        String literal = "literal-marker-" + Long.toHexString(System.nanoTime());
        String inEnvFile = "envfile-marker-" + Long.toHexString(System.nanoTime());
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.copy(BerthRun.TESTAPPS.resolve("release_app.py"), src.resolve("release_app.py"));
        Files.writeString(src.resolve("VERSION"), "v1\n");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "not a secret");
        Files.writeString(berth.project.resolve("app.env"), "FILE_SECRET=" + inEnvFile + "\n");
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: /, timeout: 10s }
                    env_file: app.env
                    env: { LITERAL: %s, FROM_SHELL: "${MARKER}" }
                    deploy: { path: %s, dir: %s, settle: 1s }
                backups:
                  files: { dir: %s, compress: gzip, exclude: ["${MARKER}"] }
                checks:
                  site: { http: "http://127.0.0.1:%d/health" }
                """.formatted(port, literal, tmp.resolve("srv/web"), src, data, port));
        Map<String, String> shell = Map.of("MARKER", fromShell);
        assertEquals(0, berth.run(shell, "deploy", "web").exit());
        assertEquals(0, berth.run(shell, "start").exit(), "registered from the berth.yml itself: its last good copy is kept");
        assertEquals(0, berth.run(shell, "restart", "web").exit());
        assertEquals(0, berth.run(shell, "backup", "run", "files").exit());
        assertEquals(0, berth.run(shell, "check", "site").exit());
        assertEquals(fromShell, BerthRun.httpGet(port, "/env/FROM_SHELL"), "the app runs on the values");
        assertEquals(literal, BerthRun.httpGet(port, "/env/LITERAL"));
        assertEquals(inEnvFile, BerthRun.httpGet(port, "/env/FILE_SECRET"));
        assertTrue(Files.isDirectory(berth.home.resolve("last-good")) && Files.isDirectory(berth.home.resolve("releases/web")),
                "both kinds of recorded copy are there to look at");
        assertTrue(Files.exists(berth.home.resolve("state.db-wal")), "the WAL is there to look at");
        assertEquals(java.util.List.of(), filesHolding(fromShell, literal, inEnvFile));
        // and after a daemon restart, which reads them all back
        berth.ok("daemon", "stop");
        assertTrue(berth.run(shell, "status").exit() <= 1, "the next daemon starts");
        BerthRun.await("web back", java.time.Duration.ofSeconds(15), () -> fromShell.equals(BerthRun.httpGet(port, "/env/FROM_SHELL")));
        assertEquals(java.util.List.of(), filesHolding(fromShell, literal, inEnvFile));
    }

    /** A state.db an older daemon wrote, with an app's variables in clear: the next daemon seals them, and no trace is left. */
    @Test void variablesAnOlderDaemonKeptInClearAreSealedAtStart() throws Exception {
        String old = "old-marker-" + Long.toHexString(System.nanoTime());
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/release_app.py
                    port: %d
                    ready: { http: /, timeout: 10s }
                    env: { FROM_SHELL: "${MARKER}" }
                """.formatted(port));
        Files.createDirectories(berth.home);
        try (var store = new dev.berth.store.StateStore(berth.home.resolve("state.db"))) {
            store.upsertApp(new dev.berth.store.StoredApp("web", -1, berth.project.resolve("berth.yml").toString(), null, "running",
                    "{\"MARKER\":\"" + old + "\"}"));
        }
        assertEquals(1, filesHolding(old).size(), "the test sees the value where the older daemon left it: " + filesHolding(old));
        berth.status(); // starts the daemon, which brings web back with its stored variables (exit 1 while it is starting)
        BerthRun.await("web started with the stored value", java.time.Duration.ofSeconds(15),
                () -> old.equals(BerthRun.httpGet(port, "/env/FROM_SHELL")));
        assertEquals(java.util.List.of(), filesHolding(old));
    }

    /**
     * Everything Berth makes under BERTH_HOME is 0700 / 0600 whatever the umask: the daemon's log
     * and lock, app logs (straight from the kernel, and from berth-logd, rotated and gzipped), a
     * deploy's step logs and recorded configuration, archives, the last good copy. Run under
     * umask 022, where anything made with the default mode would be readable by others.
     */
    @Test void everythingBerthMakesUnderBerthHomeIsPrivateWhateverTheUmask() throws Exception {
        berth.withUmask("022");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.copy(BerthRun.TESTAPPS.resolve("release_app.py"), src.resolve("release_app.py"));
        Files.writeString(src.resolve("VERSION"), "v1\n");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        Path appLogs = tmp.resolve("app-logs/plain");
        berth.writeConfig("""
                apps:
                  web:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: /, timeout: 10s }
                    deploy: { path: %s, dir: %s, install: "echo installing $BERTH_RELEASE", settle: 1s }
                  chatty:
                    script: $TESTAPPS/chatty.py
                    env: { LINES: "20000" }
                    logs: { timestamp: true, rotate: { size: 100K, keep: 3, compress: true } }
                  plain:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                    logs: { dir: %s }
                backups:
                  files: { dir: %s, compress: gzip }
                """.formatted(BerthRun.freePort(), tmp.resolve("srv/web"), src, BerthRun.freePort(), appLogs, data));
        berth.ok("start", "chatty", "plain");
        berth.ok("deploy", "web");
        berth.ok("backup", "run", "files");
        berth.ok("save");
        Path logs = berth.home.resolve("logs");
        BerthRun.await("a rotated, gzipped log", java.time.Duration.ofSeconds(30), () -> {
            try (var files = Files.list(logs)) {
                return files.anyMatch(f -> f.getFileName().toString().matches("chatty-0-out\\.log\\..*\\.gz"));
            } catch (IOException e) {
                return false;
            }
        });
        for (String made : new String[] {"daemon.log", "daemon.lock", "state.db", "state.db-wal", "token", "secret.key", "port", "daemon.json",
                "dump.json", "logs/web-0-out.log", "logs/chatty-0-out.log", "logs/chatty-0-err.log", "last-good", "releases/web", "deploys",
                "backups/files"}) {
            assertTrue(Files.exists(berth.home.resolve(made)), made + " is there to look at");
        }
        try (var deploys = Files.walk(berth.home.resolve("deploys"))) {
            assertTrue(deploys.anyMatch(f -> f.getFileName().toString().endsWith("-install.log")), "a step's log is there to look at");
        }
        java.util.List<String> open = new java.util.ArrayList<>();
        try (var all = Files.walk(berth.home)) {
            for (Path p : all.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                String mode = perms(p);
                if (!mode.endsWith("------")) open.add(berth.home.relativize(p) + " " + mode);
            }
        }
        assertEquals(java.util.List.of(), open, "made with group or other permissions");
        // an app's logs in a directory of their own are private too
        assertEquals("rwx------", perms(appLogs));
        assertEquals("rw-------", perms(appLogs.resolve("plain-0-out.log")));
        assertEquals("rw-------", perms(appLogs.resolve("plain-0-err.log")));
    }
}
