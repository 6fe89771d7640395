package dev.berth.cli;

import static dev.berth.cli.BackupIT.requireServer;
import static dev.berth.cli.BackupIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `berth backup restore` against the real PostgreSQL and MariaDB of this machine, through the
 * real CLI and daemon: the archive being restored is never pruned, safety archives sit outside
 * keep_*, and a restore that fails leaves the database and every archive as they were. Each
 * test makes its own database with a unique name and drops it after; a missing server skips the
 * test (fails it with CI=true), as in BackupIT.
 */
class BackupRestoreIT extends BerthIT {
    private final String db = "berth_it_restore_" + Long.toHexString(System.nanoTime());
    private String server; // "pg" or "maria", once the database is made
    private static final String CONTENTS = "SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";

    @AfterEach void dropDatabase() throws Exception {
        if ("pg".equals(server)) sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        if ("maria".equals(server)) sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-e", "DROP DATABASE IF EXISTS " + db + "; DROP DATABASE IF EXISTS " + db + "_aux");
    }

    private String psql(String sql) throws Exception {
        return sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql).strip();
    }

    /** A PostgreSQL database with 1000 orders, and a backup `db` of it with the given retention. */
    private void postgres(String retention) throws Exception {
        requireServer("PostgreSQL", 5432);
        sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-c", "CREATE DATABASE " + db);
        server = "pg";
        psql("CREATE TABLE orders(id int primary key, note text); INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 1000) g");
        berth.writeConfig("""
                backups:
                  db: {postgres: %s, user: postgres, to: %s%s}
                """.formatted(db, tmp.resolve("backups"), retention));
    }

    /** Retention from now on: keep_last 1. */
    private void keepLast1() throws Exception {
        berth.writeConfig(Files.readString(berth.project.resolve("berth.yml")).replace("}", ", keep_last: 1}"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> entries() {
        return (List<Map<String, Object>>) (List<?>) Json.readList(berth.ok("backup", "list", "db", "--json").out());
    }

    private Map<String, Object> entry(long id) {
        return entries().stream().filter(e -> ((Number) e.get("id")).longValue() == id).findFirst().orElseThrow();
    }

    private long run() {
        berth.ok("backup", "run", "db");
        return ((Number) entries().get(0).get("id")).longValue();
    }

    /** The archive is in the catalog as good and its file is on disk. */
    private void assertKept(long id) {
        Map<String, Object> e = entry(id);
        assertEquals("succeeded", e.get("state"), "#" + id + " is kept: " + entries());
        assertTrue(Files.isRegularFile(Path.of(String.valueOf(e.get("file")))), "#" + id + "'s file is on disk: " + e);
    }

    private void assertPruned(long id) {
        assertEquals("pruned", entry(id).get("state"), "#" + id + " is pruned: " + entries());
    }

    @Test void restoringTheOnlyArchiveUnderKeepLast1KeepsItAndTwiceToo() throws Exception {
        postgres(", keep_last: 1");
        long first = run();
        String before = psql(CONTENTS);
        psql("UPDATE orders SET note = 'changed'");
        String changed = psql(CONTENTS);

        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(before, psql(CONTENTS));
        assertKept(first);
        Map<String, Object> safety = entries().get(0);
        long safetyId = ((Number) safety.get("id")).longValue();
        assertEquals(true, safety.get("safety"), "the safety backup is marked as such: " + safety);
        assertEquals(false, entry(first).get("safety"));
        assertTrue(r.out().contains("safety backup #" + safetyId + " (" + safety.get("file") + ")"), "it says which archive holds the state before: " + r);
        String table = berth.ok("backup", "list", "db").out();
        assertTrue(table.lines().anyMatch(l -> l.startsWith(safetyId + " ") && l.contains("safety")), table);

        // the safety archive holds the state before the restore
        BerthRun.Result undo = berth.run("backup", "restore", String.valueOf(safetyId), "--yes");
        assertEquals(0, undo.exit(), undo.toString());
        assertEquals(changed, psql(CONTENTS));

        // and the same archive once more
        BerthRun.Result again = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(before, psql(CONTENTS));
        assertKept(first);
        List<Long> safeties = entries().stream().filter(e -> Boolean.TRUE.equals(e.get("safety"))).map(e -> ((Number) e.get("id")).longValue()).toList();
        assertEquals(3, safeties.size(), entries().toString());
        safeties.forEach(this::assertKept);

        // the next regular run prunes #first by keep_last 1; the safety archives (a week) stay
        long next = run();
        assertKept(next);
        assertPruned(first);
        safeties.forEach(this::assertKept);
        assertEquals("nothing to prune", berth.ok("backup", "prune", "--dry-run").out().strip());
    }

    @Test void restoringTheOlderOfTwoUnderKeepLast2KeepsBoth() throws Exception {
        postgres(", keep_last: 2");
        long older = run();
        psql("DELETE FROM orders WHERE id > 500");
        long newer = run();
        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(older), "--yes");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("1000", psql("SELECT count(*) FROM orders"));
        assertKept(older);
        assertKept(newer);
        long safety = ((Number) entries().get(0).get("id")).longValue();
        // the safety archive never counts towards keep_last: a regular run pushes out only the oldest regular one
        long third = run();
        assertPruned(older);
        assertKept(newer);
        assertKept(third);
        assertKept(safety);
    }

    /**
     * pg_restore cannot drop orders: a view made after the backup depends on it. Nothing changes,
     * not even the older archive keep_last 1 would remove after a regular run, and the message
     * names the safety backup.
     */
    @Test void aFailedRestoreLeavesTheDatabaseAndEveryArchiveAsTheyWere() throws Exception {
        postgres("");
        long older = run();
        long first = run();
        keepLast1();
        psql("UPDATE orders SET note = 'after the backup' WHERE id <= 10; CREATE VIEW recent AS SELECT * FROM orders WHERE id <= 10");
        String now = psql(CONTENTS);
        List<Map<String, Object>> archivesBefore = entries();

        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("depend"), "the server's own words: " + r);
        Map<String, Object> safety = entries().get(0);
        assertEquals(true, safety.get("safety"), safety.toString());
        assertTrue(r.err().contains("the safety backup #" + safety.get("id") + " (" + safety.get("file") + ")"), "it names the safety backup: " + r);
        assertEquals(now, psql(CONTENTS), "the database is as it was");
        assertEquals("10", psql("SELECT count(*) FROM recent"));
        assertEquals(archivesBefore, entries().subList(1, entries().size()), "every archive is as it was");
        assertKept(first);
        assertKept(older);
    }

    /**
     * A restore waits on a lock the test holds (pg_restore must drop orders); meanwhile
     * `backup prune`, whose keep_last 1 would remove the archive, leaves it. Once the restore is
     * done, the same prune removes it.
     */
    @Test void pruneNeverRemovesTheArchiveARestoreIsReading() throws Exception {
        postgres("");
        long older = run();
        long newer = run();
        keepLast1();
        Process lock = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-d", db, "-At")
                .redirectErrorStream(true).start();
        try {
            OutputStream in = lock.getOutputStream();
            in.write("BEGIN; LOCK TABLE orders IN ACCESS SHARE MODE; SELECT 'locked';\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            BerthRun.await("the test holds the lock", java.time.Duration.ofSeconds(20), () -> {
                try {
                    return lock.getInputStream().available() > 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            CompletableFuture<BerthRun.Result> restore = CompletableFuture.supplyAsync(
                    () -> berth.run("backup", "restore", String.valueOf(older), "--yes", "--no-safety-backup"));
            BerthRun.await("pg_restore waits for the lock", java.time.Duration.ofSeconds(60), () -> {
                try {
                    return sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-w", "-At", "-c", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
                            + "' AND application_name = 'pg_restore' AND wait_event_type = 'Lock'").strip().equals("1");
                } catch (Exception e) {
                    return false;
                }
            });
            BerthRun.Result prune = berth.run("backup", "prune");
            assertEquals(0, prune.exit(), prune.toString());
            assertFalse(prune.out().contains("#" + older), prune.toString());
            assertKept(older);
            assertFalse(restore.isDone(), "the restore was still waiting while prune ran");

            in.write("COMMIT;\n".getBytes(StandardCharsets.UTF_8));
            in.close();
            BerthRun.Result r = restore.get(180, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.toString());
        } finally {
            lock.destroyForcibly();
        }
        assertTrue(berth.ok("backup", "prune").out().contains("removed #" + older), "once the restore is done, retention applies");
        assertPruned(older);
        assertKept(newer);
    }

    /**
     * A restore drill waits for its age key (the identity file is a FIFO the test writes last);
     * meanwhile `backup prune`, whose keep_last 1 would remove the archive, leaves it.
     */
    @Test void pruneNeverRemovesTheArchiveADrillIsReading() throws Exception {
        Path key = tmp.resolve("key.txt");
        sh("age-keygen", "-o", key.toString());
        String recipient = Files.readAllLines(key).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
                .substring("# public key: ".length());
        Path fifo = tmp.resolve("identity.fifo");
        sh("mkfifo", fifo.toString());
        Path lite = tmp.resolve("app.db");
        sh("sqlite3", lite.toString(), "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        berth.writeConfig("""
                backups:
                  db: {sqlite: %s, to: %s, age_recipients: [%s], age_identity: %s}
                """.formatted(lite, tmp.resolve("backups"), recipient, fifo));
        long older = run();
        long newer = run();
        keepLast1();
        CompletableFuture<BerthRun.Result> drill = CompletableFuture.supplyAsync(() -> berth.run("backup", "verify", String.valueOf(older), "--restore"));
        try {
            BerthRun.await("age waits for its key", java.time.Duration.ofSeconds(60), () -> !readersOf(fifo).isEmpty());
            BerthRun.Result prune = berth.run("backup", "prune");
            assertEquals(0, prune.exit(), prune.toString());
            assertKept(older);
            assertFalse(drill.isDone(), "the drill was still waiting while prune ran");
            Files.write(fifo, Files.readAllBytes(key));
            BerthRun.Result r = drill.get(180, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("t: 1 row(s)"), r.toString());
        } finally {
            readersOf(fifo).forEach(ProcessHandle::destroyForcibly);
        }
        assertTrue(berth.ok("backup", "prune").out().contains("removed #" + older), "once the drill is done, retention applies");
        assertPruned(older);
        assertKept(newer);
    }

    /** The processes (age) with the FIFO on their command line. */
    private static List<ProcessHandle> readersOf(Path fifo) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(fifo.toString())).orElse(false)).toList();
    }

    private String maria(String sql) throws Exception {
        return sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-N", "-B", db, "-e", sql).strip();
    }

    private static final String ITEMS = "SELECT md5(group_concat(id, ':', note ORDER BY id)) FROM items";

    /** A MariaDB database with items (a trigger writes audit rows), a named foreign key, a view and a procedure; a backup `db` of it. */
    private void mariadb() throws Exception {
        requireServer("MariaDB", 3306);
        sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-e", "CREATE DATABASE " + db + "; CREATE DATABASE " + db + "_aux");
        server = "maria";
        maria("""
                CREATE TABLE items(id int primary key, note varchar(40));
                CREATE TABLE audit(item int);
                CREATE TABLE parts(id int primary key, item int, CONSTRAINT parts_item FOREIGN KEY (item) REFERENCES items(id));
                INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three');
                INSERT INTO parts VALUES (10, 1), (20, 2);
                CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit VALUES (NEW.id);
                CREATE VIEW busy AS SELECT item, count(*) AS n FROM parts GROUP BY item;
                CREATE PROCEDURE item_count() SELECT count(*) FROM items;
                """);
        berth.writeConfig("""
                backups:
                  db: {mysql: %s, user: root, to: %s}
                """.formatted(db, tmp.resolve("backups")));
    }

    private String leftovers() throws Exception {
        return sh("mariadb", "-h", "127.0.0.1", "-u", "root", "-N", "-B", "-e",
                "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'berth\\_restore\\_%' OR SCHEMA_NAME LIKE 'berth\\_aside\\_%'").strip();
    }

    @Test void aMariadbRestoreSwapsTheTablesInWithTheirTriggersViewsAndRoutines() throws Exception {
        mariadb();
        long first = run();
        String before = maria(ITEMS);
        maria("UPDATE items SET note = 'changed'; DELETE FROM parts; DROP VIEW busy; DROP PROCEDURE item_count; DROP TRIGGER items_audit;"
                + " CREATE TABLE notes(x int); INSERT INTO notes VALUES (7)");

        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(before, maria(ITEMS));
        assertEquals("2", maria("SELECT count(*) FROM parts"));
        assertEquals("1\t1", maria("SELECT item, n FROM busy WHERE item = 1"), "the view is back");
        assertEquals("3", maria("CALL item_count()"), "the procedure is back");
        maria("INSERT INTO items VALUES (4, 'four')");
        assertEquals("4", maria("SELECT group_concat(item) FROM audit"), "the trigger is back, on the restored table");
        assertTrue(maria("SELECT count(*) FROM parts p JOIN items i ON i.id = p.item").equals("2"));
        assertFalse(sh("sh", "-c", "mariadb -h 127.0.0.1 -u root " + db + " -e 'INSERT INTO parts VALUES (30, 99)' 2>&1 || true").isEmpty(),
                "the foreign key holds on the restored tables");
        assertEquals("7", maria("SELECT x FROM notes"), "a table the dump does not hold stays");
        assertEquals("0", leftovers(), "no scratch or aside database is left");
        assertKept(first);

        // restoring over the restored state: the target's own trigger on a replaced table is replaced too
        BerthRun.Result again = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(before, maria(ITEMS));
        assertEquals("items_audit", maria("SELECT group_concat(TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db + "'"));
    }

    /**
     * The dump's view reads a column of another database that was renamed since the backup:
     * creating it fails at the end of the dump, after every table. The tables stay as they were
     * (a plain `mariadb < dump` would have replaced them), and the message names the safety backup.
     */
    @Test void aFailedMariadbRestoreLeavesTheDatabaseAsItWas() throws Exception {
        mariadb();
        maria("CREATE TABLE " + db + "_aux.rates(rate int); CREATE VIEW priced AS SELECT rate FROM " + db + "_aux.rates");
        long first = run();
        maria("ALTER TABLE " + db + "_aux.rates RENAME COLUMN rate TO price; DROP VIEW priced; UPDATE items SET note = 'after the backup'");
        String now = maria(ITEMS);
        List<Map<String, Object>> archivesBefore = entries();

        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Unknown column") && r.err().contains("was not changed"), r.toString());
        Map<String, Object> safety = entries().get(0);
        assertEquals(true, safety.get("safety"), safety.toString());
        assertTrue(r.err().contains("the safety backup #" + safety.get("id") + " (" + safety.get("file") + ")"), r.toString());
        assertEquals(now, maria(ITEMS), "the tables are as they were");
        assertEquals("1", maria("SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db + "'"), "and the trigger");
        assertEquals(archivesBefore, entries().subList(1, entries().size()));
        assertEquals("0", leftovers());
    }

    /**
     * The target has a view where the dump has a table, and a view cannot move to another
     * database: the swap fails whole, and the target's trigger on items, dropped for the swap, is back.
     */
    @Test void aMariadbSwapThatFailsPutsTheTargetsTriggersBack() throws Exception {
        mariadb();
        long first = run();
        maria("DROP TABLE parts; CREATE VIEW parts AS SELECT id, id AS item FROM items; UPDATE items SET note = 'after the backup'");
        String now = maria(ITEMS);

        BerthRun.Result r = berth.run("backup", "restore", String.valueOf(first), "--yes");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("swapping the restored tables") && r.err().contains("was not changed"), r.toString());
        assertEquals(now, maria(ITEMS));
        assertEquals("VIEW", maria("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = 'parts'"));
        maria("INSERT INTO items VALUES (9, 'nine')");
        assertEquals("9", maria("SELECT group_concat(item) FROM audit"), "the trigger is back and fires");
        assertEquals("0", leftovers());
    }
}
