package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.exec.Command;
import dev.berth.exec.Output;
import dev.berth.fault.CrashPoints;
import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads archives back: the checksum, a restore drill into a scratch target that is checked
 * (tables and row counts, or files and sizes) and dropped, and a real restore into a target.
 * The archive is decompressed on the way, as a stream; nothing uncompressed is kept.
 */
public final class Restorer {
    private Restorer() { }

    /** The SHA-256 of a file, to compare with the catalog. */
    public static String sha256(Path file) throws BackupException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) sha.update(buf, 0, n);
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new BackupException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Restores the archive into a scratch database or directory, measures what came back, and
     * drops the scratch target in every outcome. Returns what was found: tables and their row
     * counts, or files and bytes, or the bytes of an RDB snapshot.
     */
    public static DrillFindings drill(BackupSpec b, Path file, String compress, String scratchName) throws BackupException {
        Map<String, String> env = b.env();
        switch (b.source()) {
            case BackupSpec.Postgres pg -> {
                List<String> conn = List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "-w");
                psql(conn, "postgres", env, "CREATE DATABASE " + scratchName);
                CrashPoints.reach("drill.scratch-made");
                try {
                    List<String> restore = new ArrayList<>(List.of("pg_restore"));
                    restore.addAll(conn);
                    restore.addAll(List.of("--no-owner", "--exit-on-error", "-d", scratchName));
                    pipe(file, compress, identity(b), restore, env, "pg_restore into the scratch database " + scratchName);
                    Map<String, Long> rows = new LinkedHashMap<>();
                    for (String t : psql(conn, scratchName, env, "SELECT quote_ident(schemaname)||'.'||quote_ident(tablename) FROM pg_tables"
                            + " WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1").lines().filter(l -> !l.isBlank()).toList()) {
                        rows.put(t, Long.parseLong(psql(conn, scratchName, env, "SELECT count(*) FROM " + t).strip()));
                    }
                    return DrillFindings.ofTables(rows);
                } finally {
                    psql(conn, "postgres", env, "DROP DATABASE IF EXISTS " + scratchName);
                }
            }
            case BackupSpec.MySql my -> {
                String client = BackupTools.mysqlClient();
                List<String> conn = List.of(client, "-h", my.host(), "-P", String.valueOf(my.port()), "-u", my.user());
                sql(conn, null, env, "CREATE DATABASE `" + scratchName + "`");
                try {
                    List<String> restore = new ArrayList<>(conn);
                    restore.addAll(List.of("--", scratchName));
                    pipe(file, compress, identity(b), restore, env, client + " into the scratch database " + scratchName);
                    Map<String, Long> rows = new LinkedHashMap<>();
                    for (String t : sql(conn, scratchName, env, "SHOW TABLES").lines().filter(l -> !l.isBlank()).toList()) {
                        rows.put(t, Long.parseLong(sql(conn, scratchName, env, "SELECT count(*) FROM `" + t + "`").strip()));
                    }
                    return DrillFindings.ofTables(rows);
                } finally {
                    sql(conn, null, env, "DROP DATABASE IF EXISTS `" + scratchName + "`");
                }
            }
            case BackupSpec.Sqlite lite -> {
                Path scratch = tempDir("berth-drill").resolve(scratchName + ".db");
                try {
                    pipe(file, compress, identity(b), List.of("sqlite3", scratch.toString()), env, "sqlite3 into a scratch file");
                    String check = BackupTools.run(List.of("sqlite3", scratch.toString(), "PRAGMA integrity_check"), env, "sqlite3 integrity_check").strip();
                    if (!check.equals("ok")) throw new BackupException("the restored database fails its integrity check: " + check);
                    Map<String, Long> rows = new LinkedHashMap<>();
                    for (String t : BackupTools.run(List.of("sqlite3", scratch.toString(), "SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1"),
                            env, "sqlite3").lines().filter(l -> !l.isBlank()).toList()) {
                        rows.put(t, Long.parseLong(BackupTools.run(List.of("sqlite3", scratch.toString(), "SELECT count(*) FROM \"" + t.replace("\"", "\"\"") + "\""),
                                env, "sqlite3").strip()));
                    }
                    return DrillFindings.ofTables(rows);
                } finally {
                    FileTrees.deleteQuietly(scratch.getParent());
                }
            }
            case BackupSpec.Dir d -> {
                Path scratch = tempDir("berth-drill");
                try {
                    pipe(file, compress, identity(b), List.of("tar", "-x", "-C", scratch.toString()), env, "tar -x into a scratch directory");
                    long[] filesAndBytes = new long[2];
                    try (var walk = Files.walk(scratch)) {
                        walk.filter(Files::isRegularFile).forEach(f -> {
                            filesAndBytes[0]++;
                            filesAndBytes[1] += f.toFile().length();
                        });
                    }
                    return DrillFindings.ofFiles(filesAndBytes[0], filesAndBytes[1]);
                } catch (IOException e) {
                    throw new BackupException("cannot read the restored files: " + e.getMessage());
                } finally {
                    FileTrees.deleteQuietly(scratch);
                }
            }
            case BackupSpec.Mongo m -> throw new BackupException("restore drills of MongoDB need mongosh to count what came back,"
                    + " which this Berth does not drive yet; `berth backup verify` checks the checksum");
            case BackupSpec.Redis r -> {
                Path scratch = tempDir("berth-drill");
                try {
                    Path rdb = scratch.resolve("dump.rdb");
                    BackupTools.pipe(unpacked(file, compress, identity(b), Output.writtenTo(rdb)), "unpacking the RDB file");
                    byte[] head = new byte[5];
                    try (InputStream in = Files.newInputStream(rdb)) {
                        if (in.readNBytes(head, 0, 5) != 5 || !new String(head).equals("REDIS")) {
                            throw new BackupException("the archive is not an RDB snapshot (no REDIS header)");
                        }
                    }
                    return DrillFindings.ofBytes(Files.size(rdb));
                } catch (IOException e) {
                    throw new BackupException("cannot read the RDB file: " + e.getMessage());
                } finally {
                    FileTrees.deleteQuietly(scratch);
                }
            }
        }
    }

    /** What a restore would overwrite, in words, for the confirmation. */
    public static String describeTarget(BackupSpec b, String to) {
        return target(b, to) + switch (b.source()) {
            case BackupSpec.Postgres pg -> " (its tables are dropped and restored)";
            case BackupSpec.MySql my -> " (the dumped tables are dropped and restored)";
            case BackupSpec.Sqlite lite -> " (replaced)";
            case BackupSpec.Dir d -> " (replaced)";
            case BackupSpec.Redis r -> "";
            case BackupSpec.Mongo m -> " (its collections are dropped and restored)";
        };
    }

    /** The target of a restore in words, like `PostgreSQL database "app" on 127.0.0.1:5432`. */
    public static String target(BackupSpec b, String to) {
        return switch (b.source()) {
            case BackupSpec.Postgres pg -> "PostgreSQL database \"" + (to != null ? to : pg.database()) + "\" on " + pg.host() + ":" + pg.port();
            case BackupSpec.MySql my -> "MySQL database \"" + (to != null ? to : my.database()) + "\" on " + my.host() + ":" + my.port();
            case BackupSpec.Sqlite lite -> "SQLite file " + (to != null ? to : lite.file());
            case BackupSpec.Dir d -> "directory " + (to != null ? to : d.dir());
            case BackupSpec.Redis r -> "Redis on " + r.host() + ":" + r.port();
            case BackupSpec.Mongo m -> "MongoDB database \"" + (to != null ? to : m.database()) + "\" on " + m.host() + ":" + m.port();
        };
    }

    /**
     * Restores an archive over its source (or over `to`). A failure leaves the target as it was:
     * PostgreSQL restores in one transaction; MySQL into a scratch database whose tables are
     * swapped in with one RENAME TABLE (see MySqlRestore); files and directories are restored
     * next to the target and renamed into place.
     */
    public static void restore(BackupSpec b, Path file, String compress, String to) throws BackupException {
        Map<String, String> env = b.env();
        switch (b.source()) {
            case BackupSpec.Postgres pg -> {
                String db = to != null ? to : pg.database();
                List<String> conn = List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "-w");
                String exists = psql(conn, "postgres", env, "SELECT 1 FROM pg_database WHERE datname = '" + db.replace("'", "''") + "'").strip();
                if (exists.isEmpty()) psql(conn, "postgres", env, "CREATE DATABASE \"" + db.replace("\"", "\"\"") + "\"");
                List<String> restore = new ArrayList<>(List.of("pg_restore"));
                restore.addAll(conn);
                restore.addAll(List.of("--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction", "-d", db));
                pipe(file, compress, identity(b), restore, env, "pg_restore into " + db);
            }
            case BackupSpec.MySql my -> MySqlRestore.restore(b, my, file, compress, identity(b), to != null ? to : my.database());
            case BackupSpec.Sqlite lite -> {
                Path target = to != null ? Path.of(to) : lite.file();
                Path fresh = target.resolveSibling("." + target.getFileName() + ".restoring");
                try {
                    Files.deleteIfExists(fresh);
                    pipe(file, compress, identity(b), List.of("sqlite3", fresh.toString()), env, "sqlite3 into " + fresh);
                    PrivateFiles.moveAtomically(fresh, target);
                } catch (IOException e) {
                    throw new BackupException("cannot put the restored database in place: " + e.getMessage());
                } finally {
                    FileTrees.deleteQuietly(fresh);
                }
            }
            case BackupSpec.Dir d -> {
                Path target = to != null ? Path.of(to) : d.dir();
                Path fresh = target.resolveSibling("." + target.getFileName() + ".restoring");
                Path old = target.resolveSibling("." + target.getFileName() + ".before-restore");
                try {
                    FileTrees.deleteQuietly(fresh);
                    FileTrees.deleteQuietly(old);
                    Files.createDirectories(fresh);
                    pipe(file, compress, identity(b), List.of("tar", "-x", "--no-same-owner", "-C", fresh.toString()), env, "tar -x");
                    // the archive holds the directory under its original name
                    Path inside = fresh.resolve(d.dir().getFileName());
                    if (!Files.isDirectory(inside)) throw new BackupException("the archive does not hold " + d.dir().getFileName() + "/");
                    if (Files.exists(target)) Files.move(target, old);
                    CrashPoints.reach("restore.set-aside");
                    Files.move(inside, target);
                    FileTrees.deleteQuietly(old);
                } catch (IOException e) {
                    if (!Files.exists(target) && Files.exists(old)) {
                        try {
                            Files.move(old, target);
                        } catch (IOException ignored) {
                            // reported below; the old contents are in `old`
                        }
                    }
                    throw new BackupException("cannot put the restored directory in place: " + e.getMessage());
                } finally {
                    FileTrees.deleteQuietly(fresh);
                }
            }
            case BackupSpec.Mongo m -> {
                List<String> restore = new ArrayList<>(List.of("mongorestore", "--host", m.host(), "--port", String.valueOf(m.port()),
                        "--archive", "--drop"));
                if (to != null) restore.addAll(List.of("--nsFrom", m.database() + ".*", "--nsTo", to + ".*"));
                if (m.user() != null) {
                    restore.addAll(List.of("--username", m.user(), "--authenticationDatabase", "admin",
                            "--config", Engines.mongoConfig(env.getOrDefault("MONGO_PASSWORD", "")).toString()));
                }
                pipe(file, compress, identity(b), restore, env, "mongorestore into " + (to != null ? to : m.database()));
            }
            case BackupSpec.Redis r -> throw new BackupException("restoring Redis means stopping it and replacing its dump.rdb;"
                    + " Berth does not do that yet: unpack the archive (zstd -d / gzip -d) and put it in Redis's dir while it is stopped");
        }
    }

    /** Decompresses the archive into a tool's stdin; fails with the tool's own error. */
    static void pipe(Path file, String compress, Path identity, List<String> tool, Map<String, String> env, String what) throws BackupException {
        List<Command> stages = new ArrayList<>(unpacked(file, compress, identity, null));
        stages.add(BackupTools.command(tool, env).withOutput(Output.discarded()));
        BackupTools.pipe(stages, what);
    }

    /** The stages that read an archive back, the last one's stdout going to output (a pipe when null). */
    private static List<Command> unpacked(Path file, String compress, Path identity, Output output) throws BackupException {
        List<List<String>> argvs = unpackArgv(file, compress, identity);
        List<Command> stages = new ArrayList<>();
        for (List<String> argv : argvs) stages.add(Command.of(argv));
        if (output != null) stages.set(stages.size() - 1, stages.get(stages.size() - 1).withOutput(output));
        return stages;
    }

    /** With identity: the archive is age-encrypted and decrypted with it first; then decompressed (or read as it is). */
    static List<List<String>> unpackArgv(Path file, String compress, Path identity) throws BackupException {
        List<List<String>> stages = new ArrayList<>();
        if (file.toString().endsWith(".age")) {
            if (identity == null) throw new BackupException(file + " is encrypted with age: set age_identity (the private key file) to read it");
            stages.add(List.of("age", "-d", "-i", identity.toString(), file.toString()));
        }
        stages.add(switch (compress) {
            case "zstd" -> stages.isEmpty() ? List.of("zstd", "-dc", "-q", file.toString()) : List.of("zstd", "-dc", "-q");
            case "gzip" -> stages.isEmpty() ? List.of("gzip", "-dc", file.toString()) : List.of("gzip", "-dc");
            default -> stages.isEmpty() ? List.of("cat", file.toString()) : List.of("cat");
        });
        return stages;
    }

    private static Path identity(BackupSpec b) {
        return b.encrypt() == null ? null : b.encrypt().identity();
    }

    private static String psql(List<String> conn, String db, Map<String, String> env, String sql) throws BackupException {
        return BackupTools.run(psqlArgv(conn, db, sql), env, "psql");
    }

    /** psql running one statement in db, stopping at its first error. */
    static List<String> psqlArgv(List<String> conn, String db, String sql) {
        List<String> argv = new ArrayList<>(List.of("psql"));
        argv.addAll(conn);
        argv.addAll(List.of("-d", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql));
        return argv;
    }

    private static String sql(List<String> conn, String db, Map<String, String> env, String sql) throws BackupException {
        return BackupTools.run(sqlArgv(conn, db, sql), env, conn.get(0));
    }

    /** The mysql client running one statement; the database last, after --, so that no name is read as an option. */
    static List<String> sqlArgv(List<String> conn, String db, String sql) {
        List<String> argv = new ArrayList<>(conn);
        argv.addAll(List.of("-N", "-B", "-e", sql));
        if (db != null) argv.addAll(List.of("--", db));
        return argv;
    }

    private static Path tempDir(String prefix) throws BackupException {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new BackupException("cannot make a scratch directory: " + e.getMessage());
        }
    }

}
