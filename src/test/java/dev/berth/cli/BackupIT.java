package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * `berth backup run|list` against the real servers of this machine (PostgreSQL, MariaDB, Redis)
 * and real files. Each test makes its own database with a unique name and drops it after. When
 * a server is not there, the test is skipped saying which; with CI=true that is a failure.
 */
class BackupIT extends BerthIT {
    private final String suffix = Long.toHexString(System.nanoTime());

    /** Skips (or, in CI, fails) when nothing listens on the server's port. */
    static void requireServer(String what, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            String message = what + " is not running on 127.0.0.1:" + port + " (needed by this test)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(message);
            Assumptions.abort("skipped: " + message);
        }
    }

    static String sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv) + " hangs");
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastEntry(String name) {
        return (Map<String, Object>) Json.readList(berth.ok("backup", "list", name, "--json").out()).get(0);
    }

    @Test void postgresDumpIsStreamedCompressedCheckedAndRestorable() throws Exception {
        requireServer("PostgreSQL", 5432);
        String db = "berth_it_" + suffix;
        sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "CREATE DATABASE " + db);
        try {
            sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-c",
                    "CREATE TABLE orders(id int primary key, note text); INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 5000) g");
            Path backups = tmp.resolve("backups");
            Files.writeString(berth.project.resolve(".env.backup"), "PGPASSWORD=not-needed-with-trust\n");
            berth.writeConfig("""
                    backups:
                      db:
                        postgres: %s
                        user: postgres
                        env_file: .env.backup
                        to: %s
                      missing:
                        postgres: %s_nope
                        user: postgres
                        to: %s
                    """.formatted(db, backups, db, backups));
            BerthRun.Result r = berth.run("backup", "run", "db");
            assertEquals(0, r.exit(), r.toString());
            assertFalse(r.all().contains("not-needed-with-trust"), "credentials are never printed");
            Map<String, Object> e = lastEntry("db");
            assertEquals("succeeded", e.get("state"));
            Path file = Path.of(String.valueOf(e.get("file")));
            assertTrue(file.getFileName().toString().matches("db-\\d{8}-\\d{6}(-\\d+)?\\.pgdump\\.zst"), file.toString());
            assertEquals(sha256(file), e.get("sha256"), "the catalog's checksum is the file's");
            assertEquals(Files.size(file), ((Number) e.get("bytes")).longValue());
            assertTrue(String.valueOf(e.get("server_version")).startsWith("PostgreSQL "), e.toString());
            assertTrue(String.valueOf(e.get("tool_version")).contains("pg_dump"), e.toString());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            // restorable: into a scratch database, with the rows
            String scratch = db + "_restore";
            sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "CREATE DATABASE " + scratch);
            try {
                sh("sh", "-c", "zstd -dc '" + file + "' | pg_restore -h 127.0.0.1 -U postgres -w -d " + scratch);
                String count = sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", scratch, "-At", "-c", "SELECT count(*) FROM orders");
                assertEquals("5000", count.strip());
            } finally {
                sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "DROP DATABASE IF EXISTS " + scratch);
            }

            // verify: the checksum, then a restore drill into a scratch database that is dropped after
            BerthRun.Result drill = berth.run("backup", "verify", "db", "--restore");
            assertEquals(0, drill.exit(), drill.toString());
            assertTrue(drill.out().contains("public.orders: 5000 row(s)"), drill.toString());
            assertEquals("passed", lastEntry("db").get("drill"));
            String left = sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-At", "-c",
                    "SELECT count(*) FROM pg_database WHERE datname LIKE 'berth_drill_db_%'");
            assertEquals("0", left.strip(), "the scratch database is dropped");
            // restore: asks (and without a terminal refuses), takes a safety backup, then puts the rows back
            String contents = "SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";
            String before = sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-c", contents).strip();
            sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-c", "DELETE FROM orders WHERE id > 10; UPDATE orders SET note = 'changed'");
            BerthRun.Result asked = berth.run("backup", "restore", String.valueOf(e.get("id")));
            assertEquals(2, asked.exit(), asked.toString());
            assertTrue(asked.err().contains("--yes") && asked.err().contains("PostgreSQL database \"" + db + "\""), asked.toString());
            BerthRun.Result restored = berth.run("backup", "restore", String.valueOf(e.get("id")), "--yes");
            assertEquals(0, restored.exit(), restored.toString());
            assertEquals("5000", sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-c", "SELECT count(*) FROM orders").strip());
            assertEquals(before, sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-c", contents).strip(),
                    "the table's contents are back, not just its row count");
            Map<String, Object> safety = lastEntry("db");
            assertEquals("safety", safety.get("trigger"), "a safety backup of the state before the restore: " + safety);
            assertEquals("succeeded", safety.get("state"));

            // a damaged archive fails its check, and the drill is not attempted
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x55;
            Files.write(file, bytes);
            BerthRun.Result damaged = berth.run("backup", "verify", String.valueOf(e.get("id")));
            assertEquals(1, damaged.exit(), damaged.toString());
            assertTrue(damaged.err().contains("MISMATCH"), damaged.toString());

            // a failing dump: the tool's own error, recorded, nothing half-written left behind
            BerthRun.Result bad = berth.run("backup", "run", "missing");
            assertEquals(1, bad.exit(), bad.toString());
            assertTrue(bad.err().contains("does not exist"), "the server's own words: " + bad);
            assertEquals("failed", lastEntry("missing").get("state"));
            try (var files = Files.list(backups)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertEquals(2, names.size(), "the archive and the safety archive, no partial file: " + names);
                assertTrue(names.stream().allMatch(n -> n.startsWith("db-") && n.endsWith(".pgdump.zst")), names.toString());
            }
        } finally {
            sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "DROP DATABASE IF EXISTS " + db);
        }
    }

    @Test void mysqlRedisSqliteAndDirectories() throws Exception {
        requireServer("MariaDB", 3306);
        requireServer("Redis", 6379);
        String db = "berth_it_" + suffix;
        sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-e", "CREATE DATABASE " + db
                + "; CREATE TABLE " + db + ".items(id int primary key); INSERT INTO " + db + ".items VALUES (1),(2),(3)");
        try {
            Path lite = tmp.resolve("app.db");
            sh("sqlite3", lite.toString(), "CREATE TABLE t(x); INSERT INTO t VALUES (1),(2),(3),(4);");
            Path uploads = Files.createDirectories(tmp.resolve("uploads"));
            Files.writeString(uploads.resolve("a.txt"), "keep me");
            Files.createDirectories(uploads.resolve("cache"));
            Files.writeString(uploads.resolve("cache/big.bin"), "skip me");
            Path backups = tmp.resolve("backups");
            berth.writeConfig("""
                    backups:
                      shop: {mysql: %s, user: root, to: %s}
                      sessions: {redis: true, to: %s, compress: gzip}
                      lite: {sqlite: %s, to: %s}
                      files: {dir: %s, exclude: [cache], to: %s, compress: none, keep_last: 2}
                    """.formatted(db, backups, backups, lite, backups, uploads, backups));
            BerthRun.Result r = berth.run("backup", "run", "all");
            assertEquals(0, r.exit(), r.toString());

            String sql = sh("sh", "-c", "zstd -dc " + lastEntry("shop").get("file"));
            assertTrue(sql.contains("CREATE TABLE `items`") && sql.contains("INSERT INTO `items` VALUES") && sql.replaceAll("\\s", "").contains("(1),(2),(3)"), sql);
            String rdbHead = sh("sh", "-c", "gzip -dc " + lastEntry("sessions").get("file") + " | head -c 5");
            assertEquals("REDIS", rdbHead);
            Path restored = tmp.resolve("restored.db");
            sh("sh", "-c", "zstd -dc " + lastEntry("lite").get("file") + " | sqlite3 " + restored);
            assertEquals("4", sh("sqlite3", restored.toString(), "SELECT count(*) FROM t").strip());
            String listing = sh("tar", "-tf", String.valueOf(lastEntry("files").get("file")));
            assertTrue(listing.contains("uploads/a.txt"), listing);
            assertFalse(listing.contains("big.bin"), "excluded: " + listing);

            for (String n : List.of("shop", "lite", "files", "sessions")) {
                BerthRun.Result v = berth.run("backup", "verify", n, "--restore");
                assertEquals(0, v.exit(), n + ": " + v);
            }
            BerthRun.Result shopDrill = berth.ok("backup", "verify", "shop", "--restore");
            assertTrue(shopDrill.out().contains("items: 3 row(s)"), shopDrill.toString());
            assertTrue(berth.ok("backup", "verify", "lite", "--restore").out().contains("t: 4 row(s)"));
            assertTrue(berth.ok("backup", "verify", "files", "--restore").out().contains("1 file(s)"), "cache/ was excluded");

            // a directory restore puts the files back, replacing what is there
            Files.writeString(uploads.resolve("a.txt"), "changed");
            Files.writeString(uploads.resolve("new.txt"), "added after the backup");
            BerthRun.Result back = berth.run("backup", "restore", String.valueOf(lastEntry("files").get("id")), "--yes", "--no-safety-backup");
            assertEquals(0, back.exit(), back.toString());
            assertEquals("keep me", Files.readString(uploads.resolve("a.txt")));
            assertFalse(Files.exists(uploads.resolve("new.txt")));
            try (var siblings = Files.list(tmp)) {
                assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".uploads.")), "no temporary directory is left");
            }

            // retention: keep_last 2 prunes after each good backup; the catalog and the directory agree
            berth.ok("backup", "run", "files");
            berth.ok("backup", "run", "files");
            List<Object> files = Json.readList(berth.ok("backup", "list", "files", "--json").out());
            long good = files.stream().filter(o -> "succeeded".equals(((Map<?, ?>) o).get("state"))).count();
            long gone = files.stream().filter(o -> "pruned".equals(((Map<?, ?>) o).get("state"))).count();
            assertEquals(2, good, files.toString());
            assertEquals(1, gone, files.toString());
            try (var dir = Files.list(backups)) {
                assertEquals(2, dir.filter(p -> p.getFileName().toString().startsWith("files-")).count());
            }
            assertEquals("nothing to prune", berth.ok("backup", "prune", "--dry-run").out().strip());

            BerthRun.Result table = berth.ok("backup", "list");
            for (String n : List.of("shop", "sessions", "lite", "files")) assertTrue(table.out().contains(n), table.out());
        } finally {
            sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-e", "DROP DATABASE IF EXISTS " + db);
        }
    }

    /** A backup with a schedule is taken by the daemon on its own, and the catalog says so. */
    @Test void theDaemonTakesScheduledBackups() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "scheduled");
        berth.writeConfig("""
                backups:
                  every_minute: {dir: %s, schedule: "* * * * *", drill: "* * * * *", to: %s, exclude: ["${SKIP_TOKEN:-none}"]}
                  broken: {sqlite: %s, to: %s}
                """.formatted(data, tmp.resolve("backups"), tmp.resolve("no-such.db"), tmp.resolve("backups")));
        // a first run by hand; the file is watched from now on, with the variables it refers to
        assertEquals(0, berth.run(Map.of("SKIP_TOKEN", "tok-9f8e7d6c5b4a"), "backup", "run", "every_minute").exit());
        String stored = sh("sqlite3", berth.home.resolve("state.db").toString(), "SELECT variables_json FROM backup_sources");
        assertTrue(stored.startsWith("sealed:") && !stored.contains("tok-9f8e7d6c5b4a"), "variables are kept sealed: " + stored);
        BerthRun.await("a scheduled run and a scheduled drill", java.time.Duration.ofSeconds(100), () -> {
            List<Object> runs = Json.readList(berth.ok("backup", "list", "every_minute", "--json").out());
            return runs.stream().anyMatch(o -> "schedule".equals(((Map<?, ?>) o).get("trigger")) && "succeeded".equals(((Map<?, ?>) o).get("state")))
                    && runs.stream().anyMatch(o -> "passed".equals(((Map<?, ?>) o).get("drill")));
        });
        // a failed backup is an alert event, for the monitoring capability to send
        assertEquals(1, berth.run("backup", "run", "broken").exit());
        String events = sh("sqlite3", berth.home.resolve("state.db").toString(), "SELECT kind || ': ' || message FROM events WHERE app = 'backup:broken'");
        assertTrue(events.contains("backup_failed: backup broken (manual) failed") && events.contains("does not exist"), events);
    }

    /** age-encrypted archives: the standard age tool decrypts them; drills need the identity and say so without it. */
    @Test void ageEncryptedArchives() throws Exception {
        Path key = tmp.resolve("key.txt");
        sh("age-keygen", "-o", key.toString());
        String recipient = Files.readAllLines(key).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
                .substring("# public key: ".length());
        Path lite = tmp.resolve("secret.db");
        sh("sqlite3", lite.toString(), "CREATE TABLE s(v); INSERT INTO s VALUES ('top secret row');");
        String config = """
                backups:
                  sealed: {sqlite: %s, to: %s, age_recipients: [%s]%s}
                """;
        berth.writeConfig(config.formatted(lite, tmp.resolve("backups"), recipient, ""));
        berth.ok("backup", "run", "sealed");
        Path file = Path.of(String.valueOf(lastEntry("sealed").get("file")));
        assertTrue(file.toString().endsWith(".sql.zst.age"), file.toString());
        assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains("CREATE TABLE"));
        assertTrue(sh("sh", "-c", "age -d -i " + key + " " + file + " | zstd -dc").contains("top secret row"), "the standard tools read it");

        BerthRun.Result noKey = berth.run("backup", "verify", "sealed", "--restore");
        assertEquals(1, noKey.exit(), noKey.toString());
        assertTrue(noKey.err().contains("age_identity"), noKey.toString());
        berth.writeConfig(config.formatted(lite, tmp.resolve("backups"), recipient, ", age_identity: " + key));
        BerthRun.Result drill = berth.run("backup", "verify", "sealed", "--restore");
        assertEquals(0, drill.exit(), drill.toString());
        assertTrue(drill.out().contains("s: 1 row(s)"), drill.toString());
    }

    /** kill -9 of the daemon in the middle of a dump: no catalog entry says done, no file is presented as a backup. */
    @Test void kill9MidBackupLeavesNothingThatLooksDone() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("big"));
        // a few hundred MB of incompressible data keeps tar | zstd busy for a while
        sh("sh", "-c", "head -c 400000000 /dev/urandom > " + data.resolve("blob.bin"));
        Path backups = tmp.resolve("backups");
        berth.writeConfig("""
                backups:
                  big: {dir: %s, to: %s, compress: gzip}
                """.formatted(data, backups));
        berth.ok("daemon", "start");
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.berth.cli.Main", "backup", "run", "big")).directory(berth.project.toFile());
        pb.environment().put("BERTH_HOME", berth.home.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process cli = pb.start();
        try {
            BerthRun.await("the dump is writing", java.time.Duration.ofSeconds(30), () -> {
                try (var files = Files.list(backups)) {
                    return files.anyMatch(f -> f.getFileName().toString().endsWith(".partial") && f.toFile().length() > 1_000_000);
                } catch (IOException e) {
                    return false;
                }
            });
            long daemon = berth.daemonPid();
            new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
            BerthRun.await("the daemon is gone", java.time.Duration.ofSeconds(10), () -> ProcessHandle.of(daemon).isEmpty());
        } finally {
            cli.destroyForcibly();
        }
        Map<String, Object> e = lastEntry("big"); // a new daemon
        assertEquals("interrupted", e.get("state"), e.toString());
        assertEquals(null, e.get("file"), "no archive is recorded");
        try (var files = Files.list(backups)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().endsWith(".partial")), "nothing that looks like a finished archive");
        }
        // the next run clears what the killed one left, and completes
        Files.delete(data.resolve("blob.bin"));
        Files.writeString(data.resolve("small.txt"), "small");
        berth.ok("backup", "run", "big");
        try (var files = Files.list(backups)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).matches("big-\\d{8}-\\d{6}(-\\d+)?\\.tar\\.gz"), names.toString());
        }
    }

    /** MongoDB's tools are not on these machines: the run fails saying which tool and how to get it, and records the failure. */
    @Test void mongoWithoutItsToolsSaysWhatIsMissing() throws Exception {
        Assumptions.assumeFalse(Files.isExecutable(Path.of("/usr/bin/mongodump")), "mongodump is installed here");
        berth.writeConfig("""
                backups:
                  catalog: {mongo: catalog, to: %s}
                """.formatted(tmp.resolve("backups")));
        BerthRun.Result r = berth.run("backup", "run", "catalog");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("mongodump") && r.err().contains("install"), r.toString());
        assertEquals("failed", lastEntry("catalog").get("state"));
    }
}
