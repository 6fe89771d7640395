package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.config.BackupSpec;
import java.nio.file.Path;
import java.util.List;
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
}
