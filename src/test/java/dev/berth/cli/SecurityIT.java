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
    }

    /**
     * BerthHome's promise is "The directory is 0700", and the app logs under it are 0644: a BERTH_HOME
     * that already exists (created by mkdir, by a provisioning tool, or by this harness) must be
     * tightened too, or the logs are readable by every local user.
     */
    @Test void anExistingBerthHomeIsMadePrivateToo() throws Exception {
        try (BerthRun existing = new BerthRun(tmp.resolve("existing"))) {
            Files.setPosixFilePermissions(existing.home, PosixFilePermissions.fromString("rwxr-xr-x"));
            existing.writeConfig("""
                    apps:
                      web:
                        script: $TESTAPPS/never_ready.py
                        min_uptime: 200ms
                    """);
            existing.ok("start");
            assertEquals("rwx------", perms(existing.home), "BERTH_HOME");
        }
    }

    private record Reply(int status, String body) { }

    private Reply call(String path, String token) throws IOException {
        Map<String, Object> info = daemonInfo();
        var c = (HttpURLConnection) URI.create("http://127.0.0.1:" + info.get("port") + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        if (token != null) c.setRequestProperty("Authorization", "Bearer " + token);
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test void theApiRefusesCallsWithoutTheRightTokenAndListensOnLoopbackOnly() throws Exception {
        startApp();
        for (String token : new String[] {null, "", "not-the-token"}) {
            for (String path : new String[] {"/api/v1/apps", "/api/v1/ping", "/api/v1/nosuchroute"}) {
                Reply r = call(path, token);
                assertEquals(401, r.status(), path + " with token " + token + ": " + r);
                assertEquals("UNAUTHORIZED", Json.readMap(r.body()).get("code"), r.body());
                assertFalse(r.body().contains(SECRET));
            }
        }
        // The right token works, so the 401s above are about the token and nothing else.
        String token = Files.readString(berth.home.resolve("token")).trim();
        assertEquals(200, call("/api/v1/apps", token).status());

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
}
