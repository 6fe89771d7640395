package dev.berth.backup;

import static dev.berth.backup.BackupTools.run;

import dev.berth.config.BackupSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each kind of source is dumped: the dump tool's argument list (never a shell line;
 * credentials go in its environment, where `ps` does not show them), the archive's extension,
 * and the tool's and the server's versions for the catalog. A pg_dump older than the server
 * (pg_dump refuses such a dump) is found before the run, and a matching client on the
 * machine is used when there is one.
 */
final class Engines {
    /** What to run for one source. */
    record Dump(List<String> argv, Map<String, String> env, String extension, String toolVersion, String serverVersion) { }

    private static final Pattern MAJOR = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    private Engines() { }

    static Dump plan(BackupSpec b) throws BackupException {
        Map<String, String> env = new LinkedHashMap<>(b.env());
        return switch (b.source()) {
            case BackupSpec.Postgres pg -> {
                String server = firstLine(run(psqlVersionArgv(pg), env, "psql (to ask the server its version)"));
                String pgDump = pgDumpFor(major(server));
                String tool = firstLine(run(versionArgv(pgDump), env, pgDump));
                yield new Dump(pgDumpArgv(pgDump, pg), env, "pgdump", tool, "PostgreSQL " + server);
            }
            case BackupSpec.MySql my -> {
                String dumpTool = BackupTools.mysqlDumpTool();
                String client = BackupTools.mysqlClient();
                String server = firstLine(run(mysqlVersionArgv(client, my), env, client + " (to ask the server its version)"));
                String tool = firstLine(run(versionArgv(dumpTool), env, dumpTool));
                yield new Dump(mysqlDumpArgv(dumpTool, my), env, "sql", tool, server);
            }
            case BackupSpec.Mongo mongo -> {
                // The password goes in a 0600 config file mongodump reads, not on its command line.
                String tool = firstLine(run(versionArgv("mongodump"), env, "mongodump"));
                Path config = mongo.user() == null ? null : mongoConfig(env.getOrDefault("MONGO_PASSWORD", ""));
                yield new Dump(mongoDumpArgv(mongo, config), env, "archive", tool, null);
            }
            case BackupSpec.Sqlite lite -> {
                if (!Files.isRegularFile(lite.file())) throw new BackupException("sqlite database " + lite.file() + " does not exist");
                String tool = "sqlite3 " + firstLine(run(versionArgv("sqlite3"), env, "sqlite3")).split(" ")[0];
                yield new Dump(sqliteDumpArgv(lite), env, "sql", tool, null);
            }
            case BackupSpec.Redis r -> {
                String tool = firstLine(run(versionArgv("redis-cli"), env, "redis-cli"));
                String info = run(redisArgv(r, "info", "server"), env, "redis-cli info");
                Matcher m = Pattern.compile("redis_version:(\\S+)").matcher(info);
                yield new Dump(redisArgv(r, "--rdb", "-"), env, "rdb", tool, m.find() ? "Redis " + m.group(1) : null);
            }
            case BackupSpec.Dir d -> {
                if (!Files.isDirectory(d.dir())) throw new BackupException("directory " + d.dir() + " does not exist");
                yield new Dump(tarArgv(d), env, "tar", firstLine(run(versionArgv("tar"), env, "tar")), null);
            }
        };
    }

    // The dump commands as data. Each positional value (a database, a directory's name) comes after --, so
    // that none is read as an option, whatever it is called.

    static List<String> pgDumpArgv(String pgDump, BackupSpec.Postgres pg) {
        return List.of(pgDump, "-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "-w",
                "--format=custom", "--compress=0", "--", pg.database());
    }

    static List<String> mysqlDumpArgv(String dumpTool, BackupSpec.MySql my) {
        List<String> argv = new ArrayList<>(List.of(dumpTool, "-h", my.host(), "-P", String.valueOf(my.port()), "-u", my.user()));
        // one consistent snapshot of InnoDB tables, without locking the app out
        // without --databases: the dump names no database, so it restores into any (a scratch one for a drill)
        argv.addAll(List.of("--single-transaction", "--routines", "--triggers", "--events", "--hex-blob", "--", my.database()));
        return argv;
    }

    static List<String> tarArgv(BackupSpec.Dir d) {
        List<String> argv = new ArrayList<>(List.of("tar", "-C", d.dir().getParent().toString(), "-cf", "-"));
        for (String x : d.exclude()) argv.add("--exclude=" + x);
        argv.add("--");
        argv.add(d.dir().getFileName().toString());
        return argv;
    }

    static List<String> versionArgv(String tool) {
        return List.of(tool, "--version");
    }

    static List<String> psqlVersionArgv(BackupSpec.Postgres pg) {
        return List.of("psql", "-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "-d", pg.database(), "-w", "-At",
                "-c", "show server_version");
    }

    static List<String> mysqlVersionArgv(String client, BackupSpec.MySql my) {
        return List.of(client, "-h", my.host(), "-P", String.valueOf(my.port()), "-u", my.user(), "-N", "-B", "-e", "select version()");
    }

    /** @param config the --config file holding the password; none when null (no user) */
    static List<String> mongoDumpArgv(BackupSpec.Mongo mongo, Path config) {
        List<String> argv = new ArrayList<>(List.of("mongodump", "--host", mongo.host(), "--port", String.valueOf(mongo.port()),
                "--db", mongo.database(), "--archive"));
        if (mongo.user() != null) {
            argv.addAll(List.of("--username", mongo.user(), "--authenticationDatabase", "admin", "--config", config.toString()));
        }
        return argv;
    }

    /** .dump reads in one transaction: a consistent copy of a live database, never a raw file copy. */
    static List<String> sqliteDumpArgv(BackupSpec.Sqlite lite) {
        return List.of("sqlite3", "-readonly", lite.file().toString(), ".dump");
    }

    static List<String> redisArgv(BackupSpec.Redis r, String... args) {
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-h", r.host(), "-p", String.valueOf(r.port())));
        argv.addAll(List.of(args));
        return argv;
    }

    /** A mongodump/mongorestore --config file holding only the password (0600, removed on exit). */
    static Path mongoConfig(String password) throws BackupException {
        try {
            Path f = Files.createTempFile("berth-mongo", ".yml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, "password: \"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new BackupException("cannot write mongodump's config file: " + e.getMessage());
        }
    }

    /** The pg_dump that can dump a server of this major version: the one on PATH, or a matching one in /usr/lib/postgresql. */
    private static String pgDumpFor(int serverMajor) throws BackupException {
        int onPath = major(firstLine(run(versionArgv("pg_dump"), Map.of(), "pg_dump")));
        if (onPath >= serverMajor) return "pg_dump";
        for (int v = serverMajor; v <= serverMajor + 5; v++) {
            Path candidate = Path.of("/usr/lib/postgresql", String.valueOf(v), "bin", "pg_dump");
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        throw new BackupException("pg_dump " + onPath + " is older than the server (PostgreSQL " + serverMajor + "), and pg_dump refuses"
                + " to dump a newer server: install postgresql-client-" + serverMajor + " (apt-get install postgresql-client-" + serverMajor + ")");
    }

    private static int major(String versionText) {
        Matcher m = MAJOR.matcher(versionText.replaceAll("^[^0-9]*", ""));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
