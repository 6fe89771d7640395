package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.config.BackupSpec;
import dev.berth.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dump and restore commands as data: what a user names goes after --, where no program reads it as an option. */
class EnginesTest {
    @Test void pgDumpTakesTheDatabaseAfterDoubleDash() {
        assertEquals(List.of("pg_dump", "-h", "db", "-p", "5432", "-U", "app", "-w", "--format=custom", "--compress=0", "--", "shop"),
                Engines.pgDumpArgv("pg_dump", new BackupSpec.Postgres("shop", "db", 5432, "app")));
    }

    @Test void mysqlDumpTakesTheDatabaseAfterDoubleDash() {
        assertEquals(List.of("mariadb-dump", "-h", "db", "-P", "3306", "-u", "root", "--single-transaction", "--routines", "--triggers",
                        "--events", "--hex-blob", "--", "shop"),
                Engines.mysqlDumpArgv("mariadb-dump", new BackupSpec.MySql("shop", "db", 3306, "root")));
    }

    @Test void tarTakesTheDirectoryAfterDoubleDash() {
        // a directory called --checkpoint-action=exec=sh would otherwise run a shell
        assertEquals(List.of("tar", "-C", "/srv", "-cf", "-", "--exclude=cache", "--", "--checkpoint-action=exec=sh"),
                Engines.tarArgv(new BackupSpec.Dir(Path.of("/srv/--checkpoint-action=exec=sh"), List.of("cache"))));
    }

    @Test void theMysqlClientTakesTheDatabaseLastAfterDoubleDash() {
        List<String> conn = List.of("mariadb", "-h", "db", "-P", "3306", "-u", "root");
        assertEquals(List.of("mariadb", "-h", "db", "-P", "3306", "-u", "root", "-N", "-B", "-e", "SHOW TABLES", "--", "scratch"),
                Restorer.sqlArgv(conn, "scratch", "SHOW TABLES"));
        assertEquals(List.of("mariadb", "-h", "db", "-P", "3306", "-u", "root", "-N", "-B", "-e", "SELECT 1"), Restorer.sqlArgv(conn, null, "SELECT 1"));
    }

    @Test void versionQueriesAreData() {
        assertEquals(List.of("psql", "-h", "db", "-p", "5432", "-U", "app", "-d", "shop", "-w", "-At", "-c", "show server_version"),
                Engines.psqlVersionArgv(new BackupSpec.Postgres("shop", "db", 5432, "app")));
        assertEquals(List.of("mariadb", "-h", "db", "-P", "3306", "-u", "root", "-N", "-B", "-e", "select version()"),
                Engines.mysqlVersionArgv("mariadb", new BackupSpec.MySql("shop", "db", 3306, "root")));
        assertEquals(List.of("tar", "--version"), Engines.versionArgv("tar"));
    }

    @Test void otherDumpsAreData() {
        assertEquals(List.of("sqlite3", "-readonly", "/srv/app.db", ".dump"), Engines.sqliteDumpArgv(new BackupSpec.Sqlite(Path.of("/srv/app.db"))));
        assertEquals(List.of("redis-cli", "-h", "127.0.0.1", "-p", "6379", "--rdb", "-"),
                Engines.redisArgv(new BackupSpec.Redis("127.0.0.1", 6379), "--rdb", "-"));
        assertEquals(List.of("mongodump", "--host", "db", "--port", "27017", "--db", "shop", "--archive", "--username", "app",
                        "--authenticationDatabase", "admin", "--config", "/tmp/m.yml"),
                Engines.mongoDumpArgv(new BackupSpec.Mongo("shop", "db", 27017, "app"), Path.of("/tmp/m.yml")));
    }

    @Test void compressionAndEncryptionStagesAreData() {
        assertEquals(Optional.of(List.of("zstd", "-q", "-c", "-T0", "-3")), BackupRunner.compressArgv("zstd"));
        assertEquals(Optional.of(List.of("gzip", "-c", "-6")), BackupRunner.compressArgv("gzip"));
        assertEquals(Optional.empty(), BackupRunner.compressArgv("none"));
        assertEquals(List.of("age", "-r", "age1a", "-r", "age1b"), BackupRunner.ageArgv(List.of("age1a", "age1b")));
    }

    @Test void readingAnArchiveBackIsData() throws BackupException {
        Path enc = Path.of("/b/app.sql.zst.age");
        assertEquals(List.of(List.of("age", "-d", "-i", "/k.txt", "/b/app.sql.zst.age"), List.of("zstd", "-dc", "-q")),
                Restorer.unpackArgv(enc, "zstd", Path.of("/k.txt")));
        assertEquals(List.of(List.of("gzip", "-dc", "/b/app.sql.gz")), Restorer.unpackArgv(Path.of("/b/app.sql.gz"), "gzip", null));
        assertEquals(List.of(List.of("cat", "/b/app.sql")), Restorer.unpackArgv(Path.of("/b/app.sql"), "none", null));
        assertThrows(BackupException.class, () -> Restorer.unpackArgv(enc, "zstd", null));
    }

    @Test void psqlStopsAtItsFirstError() {
        assertEquals(List.of("psql", "-h", "db", "-w", "-d", "scratch", "-At", "-v", "ON_ERROR_STOP=1", "-c", "SELECT 1"),
                Restorer.psqlArgv(List.of("-h", "db", "-w"), "scratch", "SELECT 1"));
    }

    @Test void drillFindingsShowOnlyWhatWasMeasuredInTheirOrder() {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("public.orders", 5000L);
        rows.put("public.items", 3L);
        assertEquals("{\"tables\":2,\"rows\":{\"public.orders\":5000,\"public.items\":3}}", Json.write(DrillFindings.ofTables(rows).fields()));
        assertEquals("{\"files\":4,\"bytes\":1024}", Json.write(DrillFindings.ofFiles(4, 1024).fields()));
        assertEquals("{\"bytes\":77}", Json.write(DrillFindings.ofBytes(77).fields()));
    }
}
