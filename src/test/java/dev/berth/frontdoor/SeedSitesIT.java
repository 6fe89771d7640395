package dev.berth.frontdoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.store.StateStore;
import dev.berth.store.StoredApp;
import dev.berth.supervisor.LogRelay;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sites the seeds wrote nginx for by hand, from a few lines of berth.yml: a single-page
 * frontend with an API and websockets behind one domain (seeds 000, 001, 002), and an API with
 * an admin path for a few addresses, a body limit and a rate limit (seeds 002, 003). Each passes
 * `nginx -t` (or it would not be live) and its headers are checked over HTTP.
 */
class SeedSitesIT {
    @TempDir Path tmp;
    StateStore store;
    Supervisor supervisor;
    FrontDoor door;
    int port;

    @BeforeEach void setUp() throws Exception {
        Needs.nginx();
        store = new StateStore(tmp.resolve("state.db"));
        Map<String, String> env = new HashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.put("BERTH_HOME", tmp.toString());
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(), env);
        door = new FrontDoor(tmp.resolve("frontdoor"), supervisor, new ProcessTree());
        port = FrontDoorIT.freePort();
        Path dist = Files.createDirectories(tmp.resolve("web/dist/assets"));
        // nginx's workers read static files as their own user (www-data when Berth runs as root), as on a server
        for (Path p : java.util.List.of(tmp, tmp.resolve("web"), tmp.resolve("web/dist"), dist)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(tmp.resolve("web/dist/index.html"), "<!doctype html><title>shop</title><div id=app></div>\n");
        Files.writeString(dist.resolve("app.0a1b2c3d.js"), "console.log('the shop');\n".repeat(200));
        Files.writeString(tmp.resolve("web/dist/.env"), "SECRET=1\n");
        Files.writeString(tmp.resolve("berth.yml"), """
                apps:
                  api:
                    script: %s
                proxy: { http_port: %d }
                sites:
                  shop:
                    domains: [shop.test, www.shop.test]
                    routes:
                      /api: { app: api, websockets: true }
                      /: { static: web/dist, spa: true }
                  chat:
                    domains: [api.chat.test]
                    body_limit: 1K
                    routes:
                      /: { app: api }
                      /admin: { app: api, allow: [10.0.0.0/8, 192.168.1.7] }
                      /login: { app: api, rate_limit: 1/s, burst: 0 }
                """.formatted(FrontDoorIT.TESTAPPS.resolve("http_app.py"), port));
        BerthFile f = new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(tmp.resolve("berth.yml"), null);
        door.use(f);
        store.upsertApp(new StoredApp("api", -1, f.path().toString(), null, "running", "{}"));
        assertTrue(supervisor.start(f.app("api").orElseThrow(), n -> f.app(n).orElseThrow()).ok());
    }

    @AfterEach void tearDown() throws Exception {
        if (supervisor == null) return;
        for (String app : supervisor.appNames()) supervisor.delete(app);
        supervisor.close();
        door.stop();
        store.close();
    }

    @Test
    void aSinglePageFrontendWithAnApiBehindOneDomain() throws Exception {
        Answer index = get("shop.test", "/", Map.of());
        assertEquals(200, index.status());
        assertTrue(index.body().contains("<title>shop</title>"), index.body());
        assertEquals("no-cache", index.header("cache-control"), "index.html is never cached: a deploy shows at once");
        assertEquals("SAMEORIGIN", index.header("x-frame-options"));
        assertEquals("nosniff", index.header("x-content-type-options"));
        assertEquals("strict-origin-when-cross-origin", index.header("referrer-policy"));
        assertEquals(null, index.header("strict-transport-security"), "no HSTS without TLS");
        assertEquals("nginx", index.header("server"), "server_tokens off: no version for scanners");

        Answer route = get("www.shop.test", "/orders/42", Map.of());
        assertEquals(200, route.status());
        assertTrue(route.body().contains("<title>shop</title>"), "a client-side route gets index.html");

        Answer asset = get("shop.test", "/assets/app.0a1b2c3d.js", Map.of("Accept-Encoding", "gzip"));
        assertEquals(200, asset.status());
        assertEquals("public, immutable", asset.header("cache-control"));
        assertTrue(asset.header("expires") != null, "a hashed asset is cached for a year");
        assertEquals("gzip", asset.header("content-encoding"), "gzip for JavaScript");
        assertEquals("SAMEORIGIN", asset.header("x-frame-options"), "the security headers survive a location's own add_header");

        Answer api = get("shop.test", "/api/health", Map.of());
        assertEquals(404, api.status(), "the API answers (its own 404 for /api/health): " + api.body());
        assertTrue(api.header("server") != null);
        assertEquals(403, get("shop.test", "/.env", Map.of()).status(), "hidden files are not served");
    }

    @Test
    void anApiWithAnAdminPathABodyLimitAndARateLimit() throws Exception {
        Answer root = get("api.chat.test", "/", Map.of());
        assertEquals(200, root.status());
        assertTrue(root.body().startsWith("hello from"), root.body());
        assertEquals(403, get("api.chat.test", "/admin", Map.of()).status(), "127.0.0.1 is not on the admin allow-list");
        assertEquals(413, request("api.chat.test", "POST", "/", Map.of("Content-Type", "text/plain"), "x".repeat(4096)).status(), "body_limit: 1K");
        int limited = 0;
        for (int i = 0; i < 5; i++) if (get("api.chat.test", "/login", Map.of()).status() == 429) limited++;
        assertTrue(limited >= 3, "rate_limit: 1/s answers 429 beyond it: " + limited + " of 5");
        Answer unknown = get("nobody.test", "/", Map.of());
        assertEquals(404, unknown.status(), "a Host no site names is not served the first site: " + unknown.body());
    }

    // ---- a small HTTP/1.1 client that can set Host ---------------------------------------------

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Answer get(String host, String path, Map<String, String> headers) throws Exception {
        return request(host, "GET", path, headers, null);
    }

    private Answer request(String host, String method, String path, Map<String, String> headers, String body) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) req.append("Content-Length: ").append(body.length()).append("\r\n");
            req.append("\r\n");
            if (body != null) req.append(body);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                h.put(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), h, text.substring(end + 4));
        }
    }
}
