package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.frontdoor.LoadClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The front door through the real CLI and daemon: deploys, a failed one, a rollback and a killed daemon, under load. */
class ProxyIT extends BerthIT {
    private int httpPort;

    @BeforeEach void needsNginx() throws Exception {
        boolean there = Files.isExecutable(Path.of("/usr/sbin/nginx"));
        String missing = "nginx is not installed (Debian package nginx; scripts/prerequisites --test installs it)";
        if (!there && "true".equals(System.getenv("CI"))) throw new AssertionError(missing);
        org.junit.jupiter.api.Assumptions.assumeTrue(there, missing);
        httpPort = dev.berth.frontdoor.FrontDoorIT.freePort();
    }

    private String served() {
        return BerthRun.httpGet(httpPort, "/").strip();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} instance(s)")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void deploysAFailedDeployAndARollbackFailNoRequest(int instances) throws Exception {
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        repo.commit("v1");
        Path base = tmp.resolve("srv/web");
        berth.writeConfig("""
                apps:
                  web:
                    run: python3 release_app.py
                    instances: %d
                    ready: { http: /health, timeout: 5s }
                    kill_timeout: 2s
                    deploy:
                      path: %s
                      git: %s
                      branch: main
                      settle: 1s
                      health: /health
                proxy: { http_port: %d, drain: 5s }
                sites:
                  local:
                    domains: [localhost, 127.0.0.1]
                    routes:
                      /: { app: web }
                """.formatted(instances, base, repo.dir, httpPort));
        berth.ok("deploy", "web");
        assertEquals("version=v1", served());
        BerthRun.Result plan = berth.ok("deploy", "web", "--dry-run");
        assertTrue(plan.all().contains("behind the front door each new instance is tried on its own port"), "no separate preflight: " + plan);
        repo.commit("v2");
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + httpPort + "/"), 2)) {
            berth.ok("deploy", "web");
            BerthRun.await("v2 serves", Duration.ofSeconds(5), () -> "version=v2".equals(served()));
            repo.commit("v3", "CRASH", "");
            BerthRun.Result crashing = berth.run("deploy", "web");
            assertNotEquals(0, crashing.exit(), crashing.toString());
            assertEquals("version=v2", served(), "a release that never gets ready changes nothing");
            berth.ok("rollback", "web");
            BerthRun.await("v1 after the rollback", Duration.ofSeconds(5), () -> "version=v1".equals(served()));
            load.stop();
            assertTrue(load.ok.get() > 50, "the load ran: " + load.ok.get());
            assertEquals(List.of(), load.failures(), load.ok.get() + " requests answered 200");
        }
    }

    @Test void nginxOutlivesAKilledDaemonAndTheNextOneDrivesIt() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    instances: 2
                proxy: { http_port: %d, drain: 2s }
                sites:
                  local:
                    domains: [localhost, "${SITE_HOST}"]
                    routes:
                      /: { app: web }
                """.formatted(httpPort));
        // a ${VAR} the CLI's shell had: the next daemon must read the served file with it again
        Map<String, String> shell = Map.of("SITE_HOST", "127.0.0.1");
        berth.ok(shell, "start");
        assertTrue(served().startsWith("hello from"), served());
        BerthRun.Result status = berth.ok("proxy", "status");
        assertTrue(status.out().contains("local") && status.out().contains(" up"), status.toString());
        assertEquals(0, berth.run(shell, "proxy", "diff").exit(), "what is live is what berth.yml gives");
        assertTrue(berth.ok("proxy", "show").out().contains("server_name localhost 127.0.0.1;"));

        assertFalse(Files.readString(berth.home.resolve("frontdoor/source.json")).contains("127.0.0.1"), "variables are kept sealed");

        ProcessHandle.of(berth.daemonPid()).orElseThrow().destroyForcibly();
        BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> !berth.daemonAlive());
        assertTrue(served().startsWith("hello from"), "nginx and the apps outlive the daemon");

        // a new daemon (started by the CLI), which took the front door back, read with the variables it was served with
        BerthRun.Result resumed = berth.ok("proxy", "status");
        assertTrue(resumed.out().contains("local") && resumed.out().contains(" up"), "the served file read with its variables again: " + resumed);
        try (LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + httpPort + "/"), 2)) {
            berth.ok(shell, "reload", "web");
            load.stop();
            assertEquals(List.of(), load.failures(), load.ok.get() + " requests answered 200");
        }
        assertTrue(berth.ok("proxy", "status").out().contains(" up"));

        // nginx killed: the daemon starts it again
        long master = Long.parseLong(Files.readString(berth.home.resolve("frontdoor/nginx/nginx.pid")).strip());
        BerthRun.killGroup(master, "KILL");
        BerthRun.await("nginx serves again", Duration.ofSeconds(20), () -> BerthRun.httpGet(httpPort, "/") != null);
        assertNotEquals(master, Long.parseLong(Files.readString(berth.home.resolve("frontdoor/nginx/nginx.pid")).strip()));
    }

    @SuppressWarnings("unchecked")
    @Test void proxyStopTakesTheSitesDownForGoodUntilTheyAreAppliedAgain() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                proxy: { http_port: %d, drain: 1s }
                sites:
                  local:
                    domains: [localhost, 127.0.0.1]
                    routes:
                      /: { app: web }
                """.formatted(httpPort));
        berth.ok("start");
        assertTrue(served().startsWith("hello from"));
        assertTrue(berth.ok("proxy", "stop").out().startsWith("ok     stopped serving 1 site(s) of "));
        assertEquals(null, BerthRun.httpGet(httpPort, "/"), "nothing listens on the public port");
        assertTrue(berth.ok("proxy", "status").out().startsWith("no sites"));
        assertEquals("running", berth.status().get(0).get("desired"), "the app behind it keeps running");
        assertTrue(BerthRun.httpGet(((Number) ((List<Map<String, Object>>) berth.status().get(0).get("instances")).get(0).get("port")).intValue(), "/").startsWith("hello from"));

        // a new daemon does not bring the sites back, nor does its watch restart nginx
        ProcessHandle.of(berth.daemonPid()).orElseThrow().destroyForcibly();
        BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> !berth.daemonAlive());
        assertTrue(berth.ok("proxy", "status").out().startsWith("no sites"));
        Thread.sleep(6_000); // past one round of the daemon's nginx watch (5 s)
        assertEquals(null, BerthRun.httpGet(httpPort, "/"));
        assertEquals("ok     the front door serves nothing", berth.ok("proxy", "stop").out().strip());

        berth.ok("proxy", "apply");
        assertTrue(served().startsWith("hello from"), "served again");
    }

    @Test void aSiteNginxRefusesNamesItsLineAndChangesNothing() throws Exception {
        String good = """
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                proxy: { http_port: %d }
                sites:
                  local:
                    domains: [localhost, 127.0.0.1]
                    routes:
                      /: { app: web }
                """.formatted(httpPort);
        berth.writeConfig(good);
        berth.ok("start");
        String live = berth.ok("proxy", "show").out();
        berth.writeConfig(good + "    nginx: keepalive_requests lots;\n");
        BerthRun.Result refused = berth.run("proxy", "apply");
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("berth.yml:10: sites.local.nginx: nginx refused it: \"keepalive_requests\" directive invalid number"), refused.toString());
        assertEquals(live, berth.ok("proxy", "show").out(), "the live configuration is the one before");
        assertTrue(served().startsWith("hello from"));
        BerthRun.Result diff = berth.run("proxy", "diff");
        assertEquals(1, diff.exit(), diff.toString());
        assertTrue(diff.out().contains("+        keepalive_requests lots;"), diff.toString());
    }

    @Test void aFailedCertificateOrderReachesTheAlertChannel() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 10);
        hook.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
        try {
            // no ACME server listens there: every order fails, and must not be retried in a loop
            berth.writeConfig("""
                    apps:
                      web:
                        script: $TESTAPPS/http_app.py
                    proxy:
                      http_port: %d
                      https_port: %d
                      acme: { email: ops@shop.test, directory: "https://127.0.0.1:%d/dir" }
                    sites:
                      shop:
                        domains: [shop.test]
                        tls: acme
                        routes:
                          /: { app: web }
                    alerts:
                      group_wait: 1s
                      channels:
                        hook: { webhook: "http://127.0.0.1:%d/hook" }
                    """.formatted(httpPort, dev.berth.frontdoor.FrontDoorIT.freePort(), dev.berth.frontdoor.FrontDoorIT.freePort(), hook.getAddress().getPort()));
            berth.ok("start");
            BerthRun.await("the alert", Duration.ofSeconds(30), () -> received.stream().anyMatch(m -> m.contains("certificate of site shop")));
            String alert = received.stream().filter(m -> m.contains("certificate of site shop")).findFirst().orElseThrow();
            assertTrue(alert.contains("CRITICAL") && alert.contains("certificate failed: "), alert);
            BerthRun.Result list = berth.run("cert", "list");
            assertEquals(1, list.exit(), list.toString());
            assertTrue(list.out().contains("NONE YET") && list.out().contains("next try"), list.toString());
            assertEquals(200, dev.berth.frontdoor.FrontDoorIT.status(httpPort, "shop.test", "/"), "plain HTTP serves meanwhile");
            BerthRun.Result renew = berth.run("cert", "renew", "shop.test");
            assertNotEquals(0, renew.exit(), renew.toString());
            assertTrue(renew.err().contains("https://127.0.0.1:"), renew.toString());
        } finally {
            hook.stop(0);
        }
    }
}
