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
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx: system. A stand-in for the system's nginx (its own main configuration, started by the
 * test as a service would be) includes a directory; Berth writes only its own files there,
 * reloads that nginx, and leaves the rest of it alone.
 */
class SystemModeIT {
    @TempDir Path tmp;
    StateStore store;
    Supervisor supervisor;
    FrontDoor door;
    Path mainConf;
    Path includeDir;
    int sitePort;
    int systemPort;

    @BeforeEach void setUp() throws Exception {
        Needs.nginx();
        sitePort = FrontDoorIT.freePort();
        systemPort = FrontDoorIT.freePort();
        includeDir = Files.createDirectories(tmp.resolve("conf.d"));
        Files.createDirectories(tmp.resolve("logs"));
        mainConf = tmp.resolve("nginx.conf");
        Files.writeString(mainConf, """
                pid %s;
                error_log %s;
                events { worker_connections 512; }
                http {
                    access_log off;
                    server { listen 127.0.0.1:%d; location / { return 200 "the system's own site\\n"; } }
                    include %s/*.conf;
                }
                """.formatted(tmp.resolve("nginx.pid"), tmp.resolve("logs/error.log"), systemPort, includeDir));
        // a file of the operator's: Berth must not touch it
        Files.writeString(includeDir.resolve("berth-notes.conf"), "# mine\n");
        Process p = new ProcessBuilder("/usr/sbin/nginx", "-c", mainConf.toString(), "-e", tmp.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("logs/start.log").toFile()).start();
        assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("logs/start.log")));
        store = new StateStore(tmp.resolve("state.db"));
        Map<String, String> env = new HashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.put("BERTH_HOME", tmp.toString());
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(), env);
        door = new FrontDoor(tmp.resolve("frontdoor"), supervisor, new ProcessTree());
    }

    @AfterEach void tearDown() throws Exception {
        if (supervisor == null) return;
        for (String app : supervisor.appNames()) supervisor.delete(app);
        supervisor.close();
        store.close();
        if (Files.exists(tmp.resolve("nginx.pid"))) {
            new ProcessBuilder("/usr/sbin/nginx", "-c", mainConf.toString(), "-s", "stop").start().waitFor();
        }
    }

    private BerthFile config(String extra) throws Exception {
        Files.writeString(tmp.resolve("berth.yml"), """
                apps:
                  web:
                    script: %s
                    env: { READY_DELAY: "0.5" }
                proxy: { nginx: system, include_dir: conf.d, nginx_conf: nginx.conf, http_port: %d, drain: 3s }
                sites:
                  local:
                    domains: [localhost, 127.0.0.1]
                    routes:
                      /: { app: web }
                %s""".formatted(FrontDoorIT.TESTAPPS.resolve("http_app.py"), sitePort, extra));
        return new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(tmp.resolve("berth.yml"), null);
    }

    @Test
    void berthWritesItsOwnFilesReloadsTheSystemNginxAndSwitchesWithoutAFailure() throws Exception {
        // what a test of a daemon killed mid-way left: taken away by the next one
        Files.writeString(tmp.resolve(".berth-test-left.conf"), "# left\n");
        Files.createDirectories(tmp.resolve("frontdoor/system-test-left/conf.d"));
        BerthFile f = config("");
        door.use(f);
        assertTrue(Files.notExists(tmp.resolve(".berth-test-left.conf")) && Files.notExists(tmp.resolve("frontdoor/system-test-left")), "leftovers removed");
        assertTrue(Files.exists(includeDir.resolve("berth.conf")) && Files.exists(includeDir.resolve("berth-site-local.conf")));
        store.upsertApp(new StoredApp("web", -1, f.path().toString(), null, "running", "{}"));
        assertTrue(supervisor.start(f.app("web").orElseThrow(), n -> new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(f.path(), null).app(n).orElseThrow()).ok());
        assertEquals(200, FrontDoorIT.status(sitePort, "localhost", "/"));
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + sitePort + "/"), 2)) {
            for (int i = 0; i < 3; i++) {
                Outcome o = supervisor.reload("web");
                assertTrue(o.ok(), o.message());
            }
            load.stop();
            assertEquals(List.of(), load.failures(), load.ok.get() + " requests answered 200");
        }
        assertEquals(200, FrontDoorIT.status(systemPort, "localhost", "/"), "the system's own site still serves");

        String before = Files.readString(includeDir.resolve("berth-site-local.conf"));
        // the refused files are tested on a staging copy: nothing in the live directory changes, not even for a moment
        // (a reload by someone else in that moment would fail, or serve them)
        FrontDoor.FrontDoorException e;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            includeDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            e = assertThrows(FrontDoor.FrontDoorException.class, () -> door.use(config("    nginx: proxy_pass_header;\n")));
            WatchKey key = watch.poll(500, TimeUnit.MILLISECONDS);
            assertEquals(List.of(), key == null ? List.of() : key.pollEvents().stream().map(ev -> ev.kind() + " " + ev.context()).toList());
        }
        assertTrue(e.getMessage().startsWith("berth.yml:11: sites.local.nginx: nginx refused it: invalid number of arguments in \"proxy_pass_header\""), e.getMessage());
        assertEquals(before, Files.readString(includeDir.resolve("berth-site-local.conf")), "the previous file is back");
        assertEquals("# mine\n", Files.readString(includeDir.resolve("berth-notes.conf")), "a file Berth did not write is untouched");
        assertEquals(200, FrontDoorIT.status(sitePort, "localhost", "/"));
    }

    @Test
    void aDirectoryNothingIncludesIsNamedWithTheLineToAdd() throws Exception {
        Files.writeString(mainConf, Files.readString(mainConf).replace("include " + includeDir + "/*.conf;", ""));
        new ProcessBuilder("/usr/sbin/nginx", "-c", mainConf.toString(), "-s", "reload").start().waitFor();
        FrontDoor.FrontDoorException e = assertThrows(FrontDoor.FrontDoorException.class, () -> door.use(config("")));
        assertTrue(e.getMessage().contains("add `include " + includeDir + "/*.conf;` to its http block"), e.getMessage());
        assertTrue(Files.notExists(includeDir.resolve("berth.conf")), "nothing is left half-written");
    }

    @Test
    void aDirectoryIncludedFromANestedFileWorksAndARefusalStillNamesItsLine() throws Exception {
        Path nested = tmp.resolve("sites.conf");
        Files.writeString(nested, "include " + includeDir + "/*.conf;\n");
        Files.writeString(mainConf, Files.readString(mainConf).replace("include " + includeDir + "/*.conf;", "include sites.conf;"));
        new ProcessBuilder("/usr/sbin/nginx", "-c", mainConf.toString(), "-s", "reload").start().waitFor();
        door.use(config(""));
        assertTrue(Files.exists(includeDir.resolve("berth-site-local.conf")));
        String before = Files.readString(includeDir.resolve("berth-site-local.conf"));
        FrontDoor.FrontDoorException e = assertThrows(FrontDoor.FrontDoorException.class, () -> door.use(config("    nginx: proxy_pass_header;\n")));
        assertTrue(e.getMessage().startsWith("berth.yml:11: sites.local.nginx: nginx refused it"), e.getMessage());
        assertEquals(before, Files.readString(includeDir.resolve("berth-site-local.conf")));
    }
}
