package dev.berth.frontdoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.store.StateStore;
import dev.berth.store.StoredApp;
import dev.berth.supervisor.LogRelay;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door with real nginx (managed, on a free high port) in front of real app processes under load. */
public class FrontDoorIT {
    static final Path TESTAPPS = Path.of(System.getProperty("berth.root", ".")).toAbsolutePath().resolve("testapps");

    @TempDir Path tmp;
    StateStore store;
    Supervisor supervisor;
    FrontDoor door;
    int httpPort;

    @BeforeEach void setUp() throws Exception {
        Needs.nginx();
        store = new StateStore(tmp.resolve("state.db"));
        Map<String, String> env = new java.util.HashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.put("BERTH_HOME", tmp.toString());
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(), env);
        door = new FrontDoor(tmp.resolve("frontdoor"), supervisor, new ProcessTree());
        httpPort = freePort();
    }

    @AfterEach void tearDown() throws Exception {
        if (supervisor == null) return;
        for (String app : supervisor.appNames()) supervisor.delete(app);
        supervisor.close();
        door.stop();
        store.close();
    }

    private BerthFile write(String yaml) throws Exception {
        Path file = tmp.resolve("berth.yml");
        Files.writeString(file, yaml.replace("PORT_HTTP", Integer.toString(httpPort)).replace("TESTAPPS", TESTAPPS.toString()));
        return new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(file, null);
    }

    private Outcome start(BerthFile f, String app) throws Exception {
        store.upsertApp(new StoredApp(app, -1, f.path().toString(), null, "running", "{}"));
        return supervisor.start(f.app(app).orElseThrow(), n -> new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(f.path(), null).app(n).orElseThrow());
    }

    private static final String ONE_APP = """
            apps:
              web:
                script: TESTAPPS/http_app.py
                instances: %d
                env: {READY_DELAY: "%s"}
                kill_timeout: 2s
            proxy: {http_port: PORT_HTTP, drain: 5s}
            sites:
              local:
                domains: [localhost, 127.0.0.1]
                routes:
                  /: {app: web}
            """;

    @Test
    void reloadsOfAOneInstanceAppThatStartsSlowlyFailNoRequest() throws Exception {
        reloadsUnderLoad(1, 10);
    }

    @Test
    void reloadsOfATwoInstanceAppFailNoRequest() throws Exception {
        reloadsUnderLoad(2, 10);
    }

    private void reloadsUnderLoad(int instances, int reloads) throws Exception {
        BerthFile f = write(ONE_APP.formatted(instances, "1"));
        door.use(f);
        Outcome started = start(f, "web");
        assertTrue(started.ok(), started.message());
        assertEquals(200, get("/").statusCode(), "served through nginx once started");
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + httpPort + "/"), 2)) {
            for (int i = 0; i < reloads; i++) {
                Outcome o = supervisor.reload("web");
                assertTrue(o.ok(), o.message());
            }
            Outcome restarted = supervisor.restart("web"); // a restart is a switch too, never a moment without an instance
            assertTrue(restarted.ok() && restarted.message().contains("switched over by the front door"), restarted.message());
            load.stop();
            assertTrue(load.ok.get() > 50, "the load ran: " + load.ok.get() + " requests");
            assertEquals(List.of(), load.failures(), load.ok.get() + " requests answered 200");
        }
    }

    @Test
    void aMemoryRestartIsASwitchToo() throws Exception {
        // 5M is less than any python process: each instance is replaced about once a second, for as long as the test runs
        BerthFile f = write(ONE_APP.formatted(1, "0").replace("kill_timeout: 2s", "kill_timeout: 2s\n    max_memory: 5M"));
        door.use(f);
        assertTrue(start(f, "web").ok());
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + httpPort + "/"), 2)) {
            long end = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < end && store.events("web", 200).stream().filter(e -> e.message().startsWith("switched to pid")).count() < 2) {
                Thread.sleep(100);
            }
            load.stop();
            long switches = store.events("web", 200).stream().filter(e -> e.message().startsWith("switched to pid")).count();
            assertTrue(switches >= 2, "max_memory replaced the instance blue-green: " + store.events("web", 200));
            assertEquals(List.of(), load.failures(), load.ok.get() + " requests answered 200");
        }
    }

    @Test
    void aNewInstanceThatNeverGetsReadyLeavesTheOldOneServing() throws Exception {
        BerthFile f = write(ONE_APP.formatted(1, "0"));
        door.use(f);
        assertTrue(start(f, "web").ok());
        String before = get("/").body();
        // the next start waits 10 s before it listens, past its 2 s readiness
        Files.writeString(f.path(), Files.readString(f.path()).replace("READY_DELAY: \"0\"}", "READY_DELAY: \"10\"}\n    ready: {port: true, timeout: 2s}"));
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + httpPort + "/"), 1)) {
            Outcome o = supervisor.reload("web");
            load.stop();
            assertTrue(!o.ok() && o.message().contains("did not get ready") && o.message().contains("the old one keeps serving"), o.message());
            assertEquals(List.of(), load.failures());
        }
        assertEquals(before, get("/").body(), "the same process serves");
    }

    @Test
    void aConfigurationNginxRefusesIsNeverActivated() throws Exception {
        BerthFile f = write(ONE_APP.formatted(1, "0"));
        door.use(f);
        assertTrue(start(f, "web").ok());
        String live = door.live().orElseThrow();
        BerthFile bad = write(ONE_APP.formatted(1, "0") + "    nginx: |\n      add_header X-Fine yes;\n      proxy_bufferz 8 16k;\n");
        FrontDoor.FrontDoorException e = assertThrows(FrontDoor.FrontDoorException.class, () -> door.use(bad));
        assertTrue(e.getMessage().startsWith("berth.yml:15: sites.local.nginx: nginx refused it: unknown directive \"proxy_bufferz\""), e.getMessage());
        assertTrue(e.getMessage().endsWith("the running configuration was left as it is"), e.getMessage());
        assertEquals(live, door.live().orElseThrow(), "the live file is untouched");
        assertEquals(200, get("/").statusCode(), "and still serves");
        Path other = tmp.resolve("other/berth.yml");
        Files.createDirectories(other.getParent());
        Files.writeString(other, Files.readString(f.path()));
        BerthFile second = new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(other, null);
        FrontDoor.FrontDoorException two = assertThrows(FrontDoor.FrontDoorException.class, () -> door.use(second));
        assertTrue(two.getMessage().startsWith("the front door serves the sites of " + f.path()), two.getMessage());
        String diff = door.diff(bad);
        assertTrue(diff.contains("\n+        proxy_bufferz 8 16k;\n") && diff.startsWith("--- live/nginx.conf\n"), diff);
    }

    @Test
    void aWebsocketOpenDuringAReloadLastsUntilTheDrainTimeout() throws Exception {
        BerthFile f = write("""
                apps:
                  ws:
                    script: TESTAPPS/ws_app.py
                    kill_timeout: 2s
                proxy: {http_port: PORT_HTTP, drain: 3s}
                sites:
                  local:
                    domains: [localhost, 127.0.0.1]
                    routes:
                      /: {app: ws, websockets: true}
                """);
        door.use(f);
        assertTrue(start(f, "ws").ok());
        java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CompletableFuture<Long> closedAt = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), new java.net.http.WebSocket.Listener() {
                    @Override public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        closedAt.complete(System.nanoTime());
                        return null;
                    }

                    @Override public void onError(java.net.http.WebSocket w, Throwable error) {
                        closedAt.complete(System.nanoTime());
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("before", true).get(5, java.util.concurrent.TimeUnit.SECONDS);
        String oldPid = got.poll(5, java.util.concurrent.TimeUnit.SECONDS).split(":")[0];
        long reloadStarted = System.nanoTime();
        Thread reload = Thread.ofPlatform().start(() -> assertTrue(supervisor.reload("ws").ok()));
        // the new instance serves new requests while the websocket still talks to the old one
        long deadline = System.nanoTime() + 10_000_000_000L;
        // during the switch both generations of nginx workers accept for a moment: wait for five new answers in a row
        int inARow = 0;
        while (inARow < 5 && System.nanoTime() < deadline) {
            String body = get("/").body();
            inARow = body.startsWith("hello from") && !body.contains(oldPid) ? inARow + 1 : 0;
            Thread.sleep(20);
        }
        assertEquals(5, inARow, "new requests reach the new instance");
        ws.sendText("during", true).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(oldPid + ": during", got.poll(5, java.util.concurrent.TimeUnit.SECONDS), "the open websocket still reaches the old instance");
        long closed = closedAt.get(15, java.util.concurrent.TimeUnit.SECONDS);
        reload.join(20_000);
        double afterSeconds = (closed - reloadStarted) / 1e9;
        assertTrue(afterSeconds >= 2.5 && afterSeconds < 8, "closed at the drain timeout (3 s), not before: " + afterSeconds + " s");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A free port for a test's nginx: picked at random below the kernel's ephemeral range (which
     * both test JVMs, and every outgoing connection, draw from) and above Berth's private ports.
     */
    public static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 200; tries++) {
            int port = 10_000 + random.nextInt(10_000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port), 1);
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port in 10000-19999");
    }

    /** The status nginx answers a GET for this Host with, redirects not followed. */
    public static int status(int port, String host, String path) throws Exception {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(line.split(" ")[1]);
        }
    }
}
