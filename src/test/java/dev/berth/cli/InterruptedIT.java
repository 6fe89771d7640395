package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operations a daemon is killed in the middle of (BERTH_CRASH_AT halts it at a named moment, as
 * kill -9 would): the CLI exits 5, and afterwards the next daemon says what happened in the
 * app's or backup's events, finishes what is safe to finish, and cleans up what the operation
 * had made.
 */
class InterruptedIT extends BerthIT {
    /** The next daemon halts at `point` (the variable must be in the daemon's own environment). */
    private void crashAt(String point) {
        berth.ok("daemon", "stop");
        berth.ok(Map.of("BERTH_CRASH_AT", point), "daemon", "start");
    }

    private String events(String app) {
        return String.valueOf(berth.describe(app).get("events"));
    }

    @Test void aRestartKilledHalfWayIsReportedInDescribe() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    instances: 2
                    min_uptime: 200ms
                """);
        berth.ok("start");
        crashAt("restart.stopped");
        BerthRun.Result r = berth.run("restart", "worker");
        assertEquals(5, r.exit(), r.toString());

        BerthRun.await("both instances run again", Duration.ofSeconds(20),
                () -> berth.instances("worker").stream().allMatch(i -> "running".equals(i.get("state"))));
        String events = events("worker");
        assertTrue(events.contains("interrupted") && events.contains("the restart of worker"), events);
        assertTrue(events.contains("instance(s) 0, 1 run a new process"), events);
        assertTrue(berth.ok("describe", "worker").out().contains("was interrupted by the berth daemon's end"), "describe's text shows it too");
        assertTrue(berth.ok("events").out().contains("the restart of worker"), "and `berth events`");
    }

    @Test void aStopKilledHalfWayIsFinishedByTheNextDaemon() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    instances: 2
                    min_uptime: 200ms
                """);
        berth.ok("start");
        long p0 = berth.pid("worker", 0);
        long p1 = berth.pid("worker", 1);
        berth.alsoKill.addAll(List.of(p0, p1));
        crashAt("stop.desired");
        assertEquals(5, berth.run("stop", "worker").exit());
        assertTrue(BerthRun.alive(p0) && BerthRun.alive(p1), "killed before it stopped anything");
        berth.ok("daemon", "start");

        BerthRun.await("the next daemon finishes the stop", Duration.ofSeconds(20), () -> !BerthRun.alive(p0) && !BerthRun.alive(p1));
        BerthRun.await("both stopped", Duration.ofSeconds(10),
                () -> berth.instances("worker").stream().allMatch(i -> "stopped".equals(i.get("state"))));
        assertTrue(events("worker").contains("this daemon finishes it"), events("worker"));
    }

    @Test void aDirectoryRestoreKilledWhileTheOldContentsWereSetAsideIsPutBack() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("uploads"));
        Files.writeString(data.resolve("a.txt"), "version 1\n");
        berth.writeConfig("""
                backups:
                  files: {dir: %s, to: %s, compress: gzip}
                """.formatted(data, tmp.resolve("backups")));
        berth.ok("backup", "run", "files");
        Files.writeString(data.resolve("a.txt"), "version 2\n");
        crashAt("restore.set-aside");
        BerthRun.Result r = berth.run("backup", "restore", "1", "--yes", "--no-safety-backup");
        assertEquals(5, r.exit(), r.toString());
        assertFalse(Files.exists(data), "killed with the directory set aside");

        String alerts = berth.ok("alerts").out(); // the next daemon
        assertTrue(Files.exists(data.resolve("a.txt")), "put back");
        assertEquals("version 2\n", Files.readString(data.resolve("a.txt")), "as it was before the restore");
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".uploads")).toList(), "no scratch copies left");
        }
        BerthRun.await("an alert says the restore was interrupted", Duration.ofSeconds(20),
                () -> berth.ok("alerts").out().contains("restore interrupted"));
        assertTrue(berth.ok("alerts").out().contains("put back as it was before the restore"), alerts);
        String events = berth.ok("events", "backup:files").out();
        assertTrue(events.contains("restore_interrupted") && events.contains("put back as it was before the restore"), events);
    }

    @Test void aDrillKilledAfterMakingItsScratchDatabaseLeavesNoneBehind() throws Exception {
        BackupIT.requireServer("PostgreSQL", 5432);
        String unique = Long.toHexString(System.nanoTime());
        String db = "berth_it_drill_" + unique;
        String name = "pg_" + unique; // scratch databases are named after it: other runs' leftovers never match
        BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "CREATE DATABASE " + db);
        try {
            BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-c", "CREATE TABLE t(id int); INSERT INTO t VALUES (1), (2)");
            berth.writeConfig("""
                    backups:
                      %s: {postgres: %s, user: postgres, to: %s}
                    """.formatted(name, db, tmp.resolve("backups")));
            berth.ok("backup", "run", name);
            crashAt("drill.scratch-made");
            assertEquals(5, berth.run("backup", "verify", name, "--restore").exit());
            assertTrue(scratchDatabases(name).contains("berth_drill_" + name + "_1_"), "the scratch database was made: " + scratchDatabases(name));

            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) Json.readList(berth.ok("backup", "list", name, "--json").out()).get(0);
            assertEquals("failed", run.get("drill"), "the drill is recorded as not passed: " + run);
            assertTrue(String.valueOf(run.get("drill_result")).contains("interrupted"), run.toString());
            assertEquals("", scratchDatabases(name).strip(), "and its scratch database was dropped");
        } finally {
            BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "DROP DATABASE IF EXISTS " + db);
        }
    }

    private static String scratchDatabases(String name) throws Exception {
        return BackupIT.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-At", "-c",
                "SELECT datname FROM pg_database WHERE datname LIKE 'berth_drill_" + name + "_1_%'");
    }
}
