package dev.berth.cli;

import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `berth deploy` from a real git repository made here, with a real app that serves HTTP:
 * success, a failing build (the live release untouched), releases that never become ready or
 * fail their health gate (rolled back), rollback, the lock, pruning, dry runs, kill -9 mid-deploy.
 */
class DeployIT extends BerthIT {
    private TestRepo testRepo;
    private Path repo;
    private Path base;
    private int port;

    private static final String CONFIG = """
            apps:
              web:
                run: python3 release_app.py
                port: %d
                ready: { http: /, timeout: 5s }
                min_uptime: 200ms
                max_restarts: 2
                deploy:
                  path: %s
                  git: %s
                  branch: main
                  keep_releases: %d
                  shared: [.env, uploads/]
                  install: sh install.sh
                  build: { run: sh build.sh, timeout: 20s }
                  test: sh test.sh
                  settle: 2s
                  health: /health
            """;

    @BeforeEach void makeRepository() throws Exception {
        testRepo = new TestRepo(tmp.resolve("repo"));
        repo = testRepo.dir;
        base = tmp.resolve("srv/web");
        port = BerthRun.freePort();
        Files.writeString(repo.resolve("install.sh"), "echo installing in $PWD; echo installed > installed.txt\n");
        Files.writeString(repo.resolve("build.sh"), "echo building $BERTH_RELEASE; sleep \"${BUILD_SLEEP:-0}\"\n");
        Files.writeString(repo.resolve("test.sh"), "test -f installed.txt && echo tests pass\n");
        commit("v1");
        writeConfig(5);
        Files.createDirectories(base.resolve("shared"));
        Files.writeString(base.resolve("shared/.env"), "SECRET_TOKEN=from-shared\n");
    }

    private void writeConfig(int keep) throws IOException {
        berth.writeConfig(CONFIG.formatted(port, base, repo, keep));
    }

    private void git(String... args) throws Exception {
        testRepo.git(args);
    }

    /** Commits VERSION=version plus any extra files (name -> content). */
    private void commit(String version, String... files) throws Exception {
        testRepo.commit(version, files);
    }

    private String served() {
        return httpGet(port, "/").strip();
    }

    private String live() throws IOException {
        return Files.readSymbolicLink(base.resolve("current")).getFileName().toString();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> releases() {
        return (List<Map<String, Object>>) (List<?>) ((List<Object>) Json.readMap(berth.ok("releases", "web", "--json").out()).get("releases"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastDeployment() {
        return (Map<String, Object>) Json.readList(berth.ok("deployments", "web", "--json").out()).get(0);
    }

    @Test void deployFailuresBeforeAndAfterTheSwitchAndRollback() throws Exception {
        // 1. the first release goes live
        BerthRun.Result first = berth.run("deploy", "web");
        assertEquals(0, first.exit(), first.toString());
        assertEquals("version=v1", served());
        String v1 = live();
        Path release = base.resolve("releases").resolve(v1);
        assertFalse(Files.exists(release.resolve(".git")), "a release holds the tree, not the repository");
        assertTrue(Files.isSymbolicLink(release.resolve(".env")), "shared files are linked into the release");
        assertEquals("SECRET_TOKEN=from-shared", Files.readString(release.resolve(".env")).strip());
        assertTrue(Files.isDirectory(release.resolve("uploads")));
        assertTrue(Files.exists(release.resolve("installed.txt")), "install ran in the release");
        for (String step : List.of("fetch", "install", "build", "test", "switch", "restart", "health gate")) {
            assertTrue(first.err().contains(step), "progress names the step " + step + ": " + first);
        }
        assertFalse(first.all().contains("from-shared"), "no secret in the output");

        // 2. a build that fails: the live release is untouched, the half-built one is gone
        commit("v2", "build.sh", "echo compiling; echo 'error: broken build' >&2; exit 2\n");
        long pidBefore = berth.pid("web", 0);
        BerthRun.Result broken = berth.run("deploy", "web");
        assertEquals(1, broken.exit(), broken.toString());
        assertTrue(broken.err().contains("build"), broken.toString());
        assertTrue(broken.err().contains("error: broken build"), "the failure shows the step's own output: " + broken);
        assertEquals(v1, live());
        assertEquals("version=v1", served());
        assertEquals(pidBefore, berth.pid("web", 0).longValue(), "a failure before the switch does not touch the running app");
        Map<String, Object> failed = lastDeployment();
        assertEquals("failed", failed.get("state"));
        assertEquals("build", failed.get("failed_step"));
        assertFalse(Files.exists(base.resolve("releases").resolve(String.valueOf(failed.get("release")))), "the half-built release is removed");

        // 3. a release that never becomes ready fails its preflight beside the running app: nothing live is touched
        commit("v3", "CRASH", "1", "build.sh", "echo building again\n");
        long pidBeforeCrash = berth.pid("web", 0);
        BerthRun.Result crashing = berth.run("deploy", "web");
        assertEquals(1, crashing.exit(), crashing.toString());
        assertTrue(crashing.err().contains("preflight"), crashing.toString());
        assertEquals(v1, live());
        assertEquals("version=v1", served());
        assertEquals(pidBeforeCrash, berth.pid("web", 0).longValue(), "the live instance was never restarted");
        assertEquals("failed", lastDeployment().get("state"));
        assertEquals("preflight", lastDeployment().get("failed_step"));

        // 3b. the same without a preflight: the instance tries the release and is brought back on the previous one
        berth.writeConfig(CONFIG.formatted(port, base, repo, 5).replace("      health: /health\n", "      health: /health\n      preflight: false\n"));
        BerthRun.Result crashing2 = berth.run("deploy", "web", "--force");
        assertEquals(1, crashing2.exit(), crashing2.toString());
        assertTrue(crashing2.err().contains("rolled back"), crashing2.toString());
        assertEquals(v1, live());
        BerthRun.await("v1 serving again", Duration.ofSeconds(15), () -> "version=v1".equals(served()));
        assertEquals("rolled_back", lastDeployment().get("state"));
        writeConfig(5);

        // 4. a release whose health check fails: found by the preflight, before it takes any traffic
        commit("v4", "UNHEALTHY", "1");
        BerthRun.Result unhealthy = berth.run("deploy", "web");
        assertEquals(1, unhealthy.exit(), unhealthy.toString());
        assertEquals("preflight", lastDeployment().get("failed_step"), unhealthy.toString());
        assertTrue(String.valueOf(lastDeployment().get("message")).contains("/health"), lastDeployment().toString());
        BerthRun.await("v1 serving again", Duration.ofSeconds(15), () -> "version=v1".equals(served()));

        // 5. a good release, then `berth rollback` goes back to the previous good one (v1)
        commit("v5");
        berth.ok("deploy", "web");
        assertEquals("version=v5", served());
        String v5 = live();
        assertNotEquals(v1, v5);
        BerthRun.Result back = berth.run("rollback", "web");
        assertEquals(0, back.exit(), back.toString());
        assertEquals(v1, live());
        BerthRun.await("v1 after rollback", Duration.ofSeconds(15), () -> "version=v1".equals(served()));

        // the history says all of it
        List<Map<String, Object>> rels = releases();
        assertEquals(v1, rels.stream().filter(r -> Boolean.TRUE.equals(r.get("live"))).findFirst().orElseThrow().get("id"));
        BerthRun.Result history = berth.ok("deployments", "web");
        for (String s : List.of("succeeded", "failed", "rolled_back", "rollback")) assertTrue(history.out().contains(s), history.out());
        BerthRun.Result show = berth.ok("deployments", "show", String.valueOf(failed.get("id")));
        assertTrue(show.out().contains("error: broken build"), "show prints the failed step's log: " + show);
    }

    @Test void aSecondDeployIsRefusedWhileOneRunsAndKill9MidDeployLeavesTheLiveReleaseServing() throws Exception {
        berth.ok("deploy", "web");
        String v1 = live();
        commit("v2");
        // a slow build keeps the first deploy in its build step
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.berth.cli.Main", "deploy", "web")).directory(berth.project.toFile());
        pb.environment().put("BERTH_HOME", berth.home.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Files.writeString(repo.resolve("build.sh"), "echo building; sleep 30\n");
        git("commit", "-q", "-am", "slow build");
        Process slow = pb.start();
        try {
            BerthRun.await("the slow deploy is building", Duration.ofSeconds(30), () -> {
                try {
                    Map<String, Object> d = lastDeployment();
                    return "running".equals(d.get("state")) && d.get("release") != null
                            && Files.exists(base.resolve("releases").resolve(String.valueOf(d.get("release"))).resolve("installed.txt"));
                } catch (AssertionError | IndexOutOfBoundsException e) {
                    return false;
                }
            });
            BerthRun.Result second = berth.run("deploy", "web");
            assertEquals(1, second.exit(), second.toString());
            assertTrue(second.err().contains("already running") && second.err().contains("started by"), second.toString());

            // kill -9 of the daemon in the middle of the build
            long daemon = berth.daemonPid();
            new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
            BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> ProcessHandle.of(daemon).isEmpty());
        } finally {
            slow.destroyForcibly();
        }
        assertEquals("version=v1", served(), "the app keeps serving without its daemon");
        Map<String, Object> after = lastDeployment(); // the next CLI call starts a new daemon
        assertEquals("interrupted", after.get("state"), after.toString());
        assertEquals(v1, live(), "current still points at the complete release");
        assertFalse(Files.exists(base.resolve("releases").resolve(String.valueOf(after.get("release")))), "the half-built release is removed");
        assertEquals(List.of(), withEnvironment("BERTH_RELEASE=" + after.get("release")),
                "the build step the dead daemon started (in a session of its own) is stopped, not left writing into the removed release");
        // and the lock the dead daemon held is free again
        Files.writeString(repo.resolve("build.sh"), "echo quick build\n");
        git("commit", "-q", "-am", "fast build");
        BerthRun.Result again = berth.run("deploy", "web");
        assertEquals(0, again.exit(), again.toString());
        assertEquals("version=v2", served());
    }

    @Test void keepReleasesPrunesOldGoodReleasesAndDryRunChangesNothing() throws Exception {
        writeConfig(2);
        BerthRun.Result plan = berth.run("deploy", "web", "--dry-run");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("sh build.sh") && plan.out().contains("sh install.sh"), plan.toString());
        assertTrue(plan.out().contains("v1") || plan.out().contains("commits"), "the plan lists the commits: " + plan);
        assertFalse(Files.exists(base.resolve("current")), "a dry run switches nothing");
        assertFalse(Files.exists(base.resolve("releases")) && Files.list(base.resolve("releases")).findAny().isPresent(), "and builds nothing");

        for (int v = 1; v <= 4; v++) {
            if (v > 1) commit("v" + v);
            BerthRun.Result r = berth.run("deploy", "web", "--skip-tests");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("skipped"), "--skip-tests shows as skipped: " + r);
            Thread.sleep(1100); // release ids have a one-second resolution
        }
        assertEquals("version=v4", served());
        List<Map<String, Object>> rels = releases();
        long onDisk = rels.stream().filter(r -> Boolean.TRUE.equals(r.get("on_disk"))).count();
        assertEquals(2, onDisk, "keep_releases: 2 keeps two good releases on disk: " + rels);
        assertEquals(2, rels.stream().filter(r -> "pruned".equals(r.get("state"))).count(), rels.toString());

        BerthRun.Result same = berth.run("deploy", "web");
        assertEquals(1, same.exit(), "the live commit again is refused without --force: " + same);
        assertTrue(same.err().contains("already live"), same.toString());
        String pruned = String.valueOf(rels.stream().filter(r -> "pruned".equals(r.get("state"))).findFirst().orElseThrow().get("id"));
        BerthRun.Result gone = berth.run("rollback", "web", pruned);
        assertEquals(4, gone.exit(), "a release that is gone is no such thing: " + gone);
        assertTrue(gone.err().contains("no longer on disk"), gone.toString());
    }

    /**
     * Two apps from directories, deployed in their declared order with --json events: the first
     * with its hooks; the second dies during its settle window, so the command fails (a first
     * release has nothing to roll back to: the app is stopped). Then --quick restarts the live release.
     */
    @Test void severalAppsInOrderWithJsonEventsHooksSettleCrashAndQuick() throws Exception {
        int apiPort = BerthRun.freePort();
        int frontPort = BerthRun.freePort();
        Path api = Files.createDirectories(tmp.resolve("src-api"));
        Path front = Files.createDirectories(tmp.resolve("src-front"));
        for (Path dir : List.of(api, front)) Files.copy(BerthRun.TESTAPPS.resolve("release_app.py"), dir.resolve("release_app.py"));
        Files.writeString(api.resolve("VERSION"), "api-1\n");
        Files.writeString(front.resolve("VERSION"), "front-1\n");
        Files.writeString(front.resolve("DIE_AFTER"), "0.5\n");
        berth.writeConfig("""
                apps:
                  api:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: / }
                    deploy:
                      path: %s
                      dir: %s
                      before_switch: echo before-switch in $BERTH_RELEASE > hook-before.txt
                      after_switch: [echo after-switch > hook-after.txt]
                      settle: 1s
                  front:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: / }
                    deploy:
                      path: %s
                      dir: %s
                      settle: 3s
                """.formatted(apiPort, tmp.resolve("srv/api"), api, frontPort, tmp.resolve("srv/front"), front));
        BerthRun.Result r = berth.run("deploy", "--json");
        assertEquals(1, r.exit(), r.toString());
        List<Map<String, Object>> events = r.out().lines().map(l -> Json.readMap(l)).toList();
        List<String> finished = events.stream().filter(e -> "deployment_finished".equals(e.get("event")))
                .map(e -> e.get("app") + ":" + e.get("state")).toList();
        assertEquals(List.of("api:succeeded", "front:failed"), finished, "declared order, and the failure is the second: " + r);
        assertTrue(events.stream().anyMatch(e -> "step_finished".equals(e.get("event")) && "before_switch".equals(e.get("step"))
                && e.get("duration_ms") != null), "each step has its duration: " + r.out());
        Map<String, Object> frontEnd = events.stream().filter(e -> "deployment_finished".equals(e.get("event")) && "front".equals(e.get("app")))
                .findFirst().orElseThrow();
        assertEquals("health gate", frontEnd.get("failed_step"), frontEnd.toString());
        assertTrue(String.valueOf(frontEnd.get("message")).contains("exited during the 3s settle window"), frontEnd.toString());
        assertEquals("version=api-1", httpGet(apiPort, "/").strip());
        Path apiCurrent = tmp.resolve("srv/api/current");
        assertTrue(Files.readString(apiCurrent.resolve("hook-before.txt")).startsWith("before-switch in "), "before_switch ran in the release");
        assertEquals("after-switch", Files.readString(apiCurrent.resolve("hook-after.txt")).strip());
        assertFalse(Files.exists(tmp.resolve("srv/front/current")), "a first release that failed its gate is not left live");

        long before = berth.pid("api", 0);
        BerthRun.Result quick = berth.run("deploy", "--quick", "api");
        assertEquals(0, quick.exit(), quick.toString());
        assertNotEquals(before, berth.pid("api", 0).longValue(), "--quick restarts the live release");
        assertEquals("version=api-1", httpGet(apiPort, "/").strip());
        Map<String, Object> last = lastDeployment("api");
        assertEquals("quick", last.get("kind"));
        assertEquals("succeeded", last.get("state"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastDeployment(String app) {
        return (Map<String, Object>) Json.readList(berth.ok("deployments", app, "--json").out()).get(0);
    }

    /** Failures injected at the other steps: each leaves the live release serving and names the step. */
    @Test void failingFetchMigrateTimeoutAndAKilledCliLeaveTheLiveReleaseAlone() throws Exception {
        berth.ok("deploy", "web");
        String v1 = live();

        BerthRun.Result badRef = berth.run("deploy", "web", "--ref", "no-such-branch");
        assertEquals(1, badRef.exit(), badRef.toString());
        assertTrue(badRef.err().contains("no-such-branch") && badRef.err().contains("not found"), badRef.toString());
        assertEquals("fetch", lastDeployment().get("failed_step"));

        commit("v2", "test.sh", "echo 'assertion failed: 1 != 2'; exit 1\n");
        BerthRun.Result tests = berth.run("deploy", "web");
        assertEquals(1, tests.exit(), tests.toString());
        assertEquals("test", lastDeployment().get("failed_step"));
        assertTrue(tests.err().contains("assertion failed"), tests.toString());
        BerthRun.Result skipped = berth.run("deploy", "web", "--skip-tests");
        assertEquals(0, skipped.exit(), "--skip-tests gets past it: " + skipped);
        String v2 = live();

        commit("v3", "test.sh", "true\n", "build.sh", "echo slow; sleep 30\n");
        berth.writeConfig(CONFIG.formatted(port, base, repo, 5).replace("timeout: 20s", "timeout: 1s"));
        BerthRun.Result slow = berth.run("deploy", "web");
        assertEquals(1, slow.exit(), slow.toString());
        assertTrue(slow.err().contains("timed out after 1s"), slow.toString());
        assertEquals(v2, live());

        // kill -9 of the CLI: the daemon carries the deploy through
        writeConfig(5);
        commit("v4", "build.sh", "echo building; sleep 2\n");
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.berth.cli.Main", "deploy", "web")).directory(berth.project.toFile());
        pb.environment().put("BERTH_HOME", berth.home.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process cli = pb.start();
        BerthRun.await("the deploy is building", Duration.ofSeconds(30), () -> {
            try {
                Map<String, Object> d = lastDeployment();
                return "running".equals(d.get("state")) && d.get("release") != null;
            } catch (AssertionError | IndexOutOfBoundsException e) {
                return false;
            }
        });
        cli.destroyForcibly().waitFor();
        BerthRun.await("the deploy finished without its CLI", Duration.ofSeconds(30), () -> !"running".equals(lastDeployment().get("state")));
        assertEquals("succeeded", lastDeployment().get("state"), lastDeployment().toString());
        assertEquals("version=v4", served());
        assertNotEquals(v1, live());
    }

    /**
     * A release carries its configuration: a rollback brings back the berth.yml env and the
     * env_file values the release was deployed with, not today's; the copies are private files
     * under BERTH_HOME; the next deploy reads the real berth.yml again.
     */
    @Test void rollbackBringsBackTheConfigurationTheReleaseWasDeployedWith() throws Exception {
        String config = """
                apps:
                  web:
                    run: python3 release_app.py
                    port: %d
                    ready: { http: / }
                    env_file: app.env
                    env: { GREETING: %s }
                    deploy: { path: %s, git: %s, settle: 1s }
                """;
        Files.writeString(berth.project.resolve("app.env"), "TOKEN=token-one\n");
        berth.writeConfig(config.formatted(port, "first", base, repo));
        berth.ok("deploy", "web");
        assertEquals("first", httpGet(port, "/env/GREETING").strip());
        assertEquals("token-one", httpGet(port, "/env/TOKEN").strip());

        Files.writeString(berth.project.resolve("app.env"), "TOKEN=token-two\n");
        berth.writeConfig(config.formatted(port, "second", base, repo));
        commit("v2");
        berth.ok("deploy", "web");
        assertEquals("second", httpGet(port, "/env/GREETING").strip());
        assertEquals("token-two", httpGet(port, "/env/TOKEN").strip());

        BerthRun.Result back = berth.run("rollback", "web");
        assertEquals(0, back.exit(), back.toString());
        assertEquals("version=v1", served());
        assertEquals("first", httpGet(port, "/env/GREETING").strip(), "the berth.yml of the release comes back");
        assertEquals("token-one", httpGet(port, "/env/TOKEN").strip(), "and its env_file values");
        berth.ok("restart", "web");
        assertEquals("first", httpGet(port, "/env/GREETING").strip(), "a restart after a rollback stays on that configuration");
        assertFalse(back.all().contains("token-one"), "no secret in the output");

        Path recorded = berth.home.resolve("releases/web");
        try (var files = Files.walk(recorded)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(content.contains("token-one") || content.contains("token-two"), "recorded secrets are sealed: " + f);
            }
        }

        commit("v3");
        berth.ok("deploy", "web");
        assertEquals("version=v3", served());
        assertEquals("second", httpGet(port, "/env/GREETING").strip(), "a new deploy reads today's berth.yml");
        assertEquals("token-two", httpGet(port, "/env/TOKEN").strip());
    }

    /**
     * With deploy.backup, the database is backed up before migrate, the backup is kept with the
     * deployment, and `rollback --with-data` puts it back with the previous code; a deploy
     * without that backup (--no-backup) cannot be rolled back --with-data, and says why.
     */
    @Test void backupBeforeMigrateAndRollbackWithData() throws Exception {
        BackupIT.requireServer("PostgreSQL", 5432);
        String db = "berth_it_deploy_" + Long.toHexString(System.nanoTime());
        BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "CREATE DATABASE " + db);
        try {
            BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-c", "CREATE TABLE schema_log(version text)");
            // the migration records the release's version in the database
            Files.writeString(repo.resolve("migrate.sh"), "psql -h 127.0.0.1 -U postgres -w -d " + db
                    + " -c \"INSERT INTO schema_log VALUES ('$(cat VERSION)')\"\n");
            git("add", "-A");
            git("commit", "-q", "-m", "migrations");
            berth.writeConfig("""
                    apps:
                      web:
                        run: python3 release_app.py
                        port: %d
                        ready: { http: / }
                        deploy:
                          path: %s
                          git: %s
                          migrate: sh migrate.sh
                          settle: 1s
                          backup: db
                    backups:
                      db: { postgres: %s, user: postgres, to: %s }
                    """.formatted(port, base, repo, db, tmp.resolve("backups")));
            berth.ok("deploy", "web");
            commit("v2");
            BerthRun.Result second = berth.run("deploy", "web");
            assertEquals(0, second.exit(), second.toString());
            assertTrue(second.err().contains("backup"), "the backup is a step of the deploy: " + second);
            String log = BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-c", "SELECT string_agg(version, ',') FROM schema_log");
            assertEquals("v1,v2", log.strip());
            assertTrue(lastDeployment().get("backup") != null, "the backup is kept with the deployment: " + lastDeployment());

            BerthRun.Result back = berth.run("rollback", "web", "--with-data");
            assertEquals(0, back.exit(), back.toString());
            assertEquals("version=v1", served());
            assertEquals("v1", BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-c",
                    "SELECT string_agg(version, ',') FROM schema_log").strip(), "the data from before v2's migration is back");

            commit("v3");
            berth.ok("deploy", "web", "--no-backup");
            BerthRun.Result refused = berth.run("rollback", "web", "--with-data");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("--no-backup"), refused.toString());
        } finally {
            BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /** Pids of live processes whose environment holds KEY=VALUE. */
    private static List<Long> withEnvironment(String keyValue) throws java.io.IOException {
        List<Long> out = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path d : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (List.of(Files.readString(d.resolve("environ")).split("\0")).contains(keyValue)
                            && BerthRun.alive(Long.parseLong(d.getFileName().toString()))) {
                        out.add(Long.parseLong(d.getFileName().toString()));
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // exited, or not ours to read
                }
            }
        }
        return out;
    }
}
