package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.exec.Input;
import dev.berth.exec.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A MySQL/MariaDB restore that a failing dump cannot leave half-applied. The dump is SQL the
 * client runs table by table, and DDL commits as it goes, so it is first restored into a
 * scratch database: a dump that fails there has changed nothing. Its tables then replace the
 * target's same-named ones in one RENAME TABLE statement, which the server applies whole or not
 * at all; the replaced tables move to an aside database, dropped after. Tables of the target
 * the dump does not hold stay, as with a plain restore of the dump.
 *
 * A table with triggers cannot move to another database: the scratch tables' triggers, and the
 * dump's views, routines and events, are created in the target right after the swap (dumped
 * back from the scratch database, so they are known to load); the target's own triggers on the
 * replaced tables are dropped just before it and put back if the swap fails. A failure after
 * the swap is reported as such: the tables are in place then.
 */
final class MySqlRestore {
    private final Map<String, String> env;
    private final String client;
    private final String dumpTool;
    private final List<String> conn;

    private MySqlRestore(BackupSpec.MySql my, Map<String, String> env) {
        this.env = env;
        this.client = BackupTools.mysqlClient();
        this.dumpTool = BackupTools.mysqlDumpTool();
        this.conn = List.of("-h", my.host(), "-P", String.valueOf(my.port()), "-u", my.user());
    }

    static void restore(BackupSpec b, BackupSpec.MySql my, Path file, String compress, Path identity, String db) throws BackupException {
        new MySqlRestore(my, b.env()).restore(file, compress, identity, db);
    }

    private void restore(Path file, String compress, Path identity, String db) throws BackupException {
        String tag = Long.toHexString(System.nanoTime());
        String scratch = "berth_restore_" + tag;
        String aside = "berth_aside_" + tag;
        // the scratch database has the target's defaults, so what the dump creates without a charset is as it would be there
        String charset = query("SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, ' COLLATE ', DEFAULT_COLLATION_NAME) FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME = " + str(db)).strip();
        boolean exists = !charset.isEmpty();
        exec("CREATE DATABASE " + q(scratch) + (exists ? " CHARACTER SET " + charset : ""));
        try {
            try {
                Restorer.pipe(file, compress, identity, command(scratch), env, client + " into the scratch database " + scratch);
            } catch (BackupException e) {
                throw new BackupException(e.getMessage() + "; the database " + db + " was not changed");
            }
            swap(db, exists, scratch, aside);
        } finally {
            quietly("DROP DATABASE IF EXISTS " + q(scratch));
        }
    }

    private void swap(String db, boolean exists, String scratch, String aside) throws BackupException {
        Map<String, String> restored = tables(scratch);
        Map<String, String> current = exists ? tables(db) : Map.of();
        List<String> moved = restored.entrySet().stream().filter(t -> !t.getValue().equals("VIEW")).map(Map.Entry::getKey).toList();
        List<String> views = restored.entrySet().stream().filter(t -> t.getValue().equals("VIEW")).map(Map.Entry::getKey).toList();
        List<String> replaced = moved.stream().filter(current::containsKey).toList();

        // what is created after the swap, dumped back from the scratch database (names relative to it, so they load into the target)
        String objects = dump(scratch, List.of("--no-create-info", "--no-data", "--triggers", "--routines", "--events"), List.of());
        String viewDdl = views.isEmpty() ? "" : dump(scratch, List.of("--no-data", "--skip-triggers"), views);
        List<String> oldTriggers = replaced.isEmpty() ? List.of() : lines(query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
                + str(db) + " AND EVENT_OBJECT_TABLE IN (" + replaced.stream().map(MySqlRestore::str).collect(Collectors.joining(", ")) + ")"));
        String oldTriggerDdl = oldTriggers.isEmpty() ? "" : dump(db, List.of("--no-create-info", "--no-data", "--triggers", "--skip-routines",
                "--skip-events"), replaced);
        List<String> newTriggers = lines(query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + str(scratch)));
        if (!newTriggers.isEmpty()) exec(newTriggers.stream().map(t -> "DROP TRIGGER " + q(scratch) + "." + q(t)).collect(Collectors.joining("; ")));

        if (!exists) exec("CREATE DATABASE " + q(db));
        if (!moved.isEmpty()) {
            exec("CREATE DATABASE " + q(aside));
            try {
                if (!oldTriggers.isEmpty()) exec(oldTriggers.stream().map(t -> "DROP TRIGGER " + q(db) + "." + q(t)).collect(Collectors.joining("; ")));
                try {
                    exec(renameStatement(db, scratch, aside, moved, Set.copyOf(replaced)));
                } catch (BackupException e) {
                    String undo = "";
                    if (!oldTriggers.isEmpty()) {
                        try {
                            load(oldTriggerDdl, db, "putting back the triggers of " + db);
                        } catch (BackupException x) {
                            undo = "; putting back its triggers " + String.join(", ", oldTriggers) + " failed too: " + x.getMessage();
                        }
                    }
                    throw new BackupException("swapping the restored tables into " + db + " failed: " + e.getMessage()
                            + (undo.isEmpty() ? "; the database " + db + " was not changed" : undo));
                }
            } finally {
                quietly("SET FOREIGN_KEY_CHECKS=0; DROP DATABASE IF EXISTS " + q(aside));
            }
        }
        try {
            load(viewDdl + "\n" + objects, db, "creating the views, triggers, routines and events of the dump in " + db);
        } catch (BackupException e) {
            throw new BackupException("the tables of the dump are restored into " + db + ", but " + e.getMessage());
        }
    }

    /**
     * The one statement that swaps the tables in: the target's same-named tables go aside, the
     * scratch ones take their names. The server applies it whole or not at all.
     */
    static String renameStatement(String db, String scratch, String aside, List<String> tables, Set<String> replaced) {
        List<String> pairs = new ArrayList<>();
        for (String t : tables) if (replaced.contains(t)) pairs.add(q(db) + "." + q(t) + " TO " + q(aside) + "." + q(t));
        for (String t : tables) pairs.add(q(scratch) + "." + q(t) + " TO " + q(db) + "." + q(t));
        return "RENAME TABLE " + String.join(", ", pairs);
    }

    /** name -> BASE TABLE, VIEW or SEQUENCE, in the database's order. */
    private Map<String, String> tables(String db) throws BackupException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(query("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + str(db) + " ORDER BY 1"))) {
            String[] cols = line.split("\t", 2);
            out.put(cols[0], cols[1]);
        }
        return out;
    }

    private String dump(String db, List<String> what, List<String> tables) throws BackupException {
        List<String> argv = new ArrayList<>(List.of(dumpTool));
        argv.addAll(conn);
        argv.addAll(what);
        argv.addAll(List.of("--skip-comments", "--skip-lock-tables", "--", db)); // after --: no name is read as an option
        argv.addAll(tables);
        return run(argv, dumpTool + " of " + db);
    }

    /** Runs SQL text with the client (which handles the dump's DELIMITER lines) in db. */
    private void load(String sql, String db, String what) throws BackupException {
        if (sql.isBlank()) return;
        Path f = null;
        try {
            f = Files.createTempFile("berth-restore", ".sql", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))); // routine bodies may hold anything
            Files.writeString(f, sql);
            BackupTools.pipe(List.of(BackupTools.command(command(db), env).withInput(Input.from(f)).withOutput(Output.discarded())), what);
        } catch (IOException e) {
            throw new BackupException(what + ": " + e.getMessage());
        } finally {
            if (f != null) f.toFile().delete();
        }
    }

    private List<String> command(String db) {
        List<String> argv = new ArrayList<>(List.of(client));
        argv.addAll(conn);
        argv.addAll(List.of("--", db));
        return argv;
    }

    private String query(String sql) throws BackupException {
        List<String> argv = new ArrayList<>(List.of(client));
        argv.addAll(conn);
        argv.addAll(List.of("-N", "-B", "-e", sql));
        return run(argv, client);
    }

    /**
     * Runs a tool and returns its stdout (stderr apart, so warnings never mix into a dump).
     * No short timeout: a RENAME TABLE waits for the app's open transactions on the tables.
     */
    private String run(List<String> argv, String what) throws BackupException {
        return BackupTools.output(argv, env, what);
    }

    private void exec(String sql) throws BackupException {
        query(sql);
    }

    private void quietly(String sql) {
        try {
            exec(sql);
        } catch (BackupException ignored) {
            // a scratch or aside database left behind is named berth_restore_* / berth_aside_*; it holds no live data
        }
    }

    private static List<String> lines(String out) {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static String str(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
