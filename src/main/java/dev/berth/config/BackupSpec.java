package dev.berth.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One backup of a berth.yml (`backups:`): what is backed up, where the archives go, how they are
 * compressed, and when.
 *
 * @param name     the backup's name ([a-z0-9][a-z0-9_.-]*)
 * @param source   what is dumped
 * @param to       absolute directory of the archives
 * @param compress zstd, gzip or none
 * @param env      credentials and settings for the dump tool (from env_file; PGPASSWORD, MYSQL_PWD, ...)
 * @param schedule a cron expression, or null for on demand only
 * @param keep     which archives are kept after each good backup and by `backup prune`
 * @param encrypt  age encryption of the archive, or null
 * @param drill    when the daemon restores the newest archive into a scratch target to check it (cron), or null
 * @param grace    how long after a scheduled time a backup may still be missing before it counts as missed
 * @param catchUp  whether a run missed while the daemon was down is taken once when it is back
 * @param offsite  the S3-compatible bucket every archive is also copied to, or null
 */
public record BackupSpec(String name, Source source, Path to, String compress, Map<String, String> env, String schedule, Retention keep,
                         Encryption encrypt, String drill, Duration grace, boolean catchUp, Offsite offsite) {

    /**
     * An S3-compatible bucket (AWS S3, MinIO, Tencent COS) that every good archive is uploaded
     * to, under prefix, with its own retention. Path style (endpoint/bucket/key) unless
     * virtual-host style (bucket.endpoint/key) is asked for.
     */
    public record Offsite(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
                          String accessKey, String secretKey, long partSize, Retention keep) {
        @Override
        public String toString() { // the keys are secrets: never in a log line or a message
            return "Offsite[s3://" + bucket + "/" + prefix + " at " + endpoint + ", region " + region + "]";
        }
    }

    /**
     * Archives encrypted to age recipients (so the standard `age` tool decrypts them); the
     * identity file is what verify and restore decrypt with, and may be absent on a machine
     * that only takes backups.
     */
    public record Encryption(List<String> recipients, Path identity) { }

    /**
     * Retention: an archive is kept when any of last / daily / weekly / monthly keeps it (the
     * newest archive of each of the last N days, ISO weeks, months, in UTC); maxAge removes older
     * ones whatever keeps them. The newest good archive is never removed. All null: keep everything.
     */
    public record Retention(Integer last, Integer daily, Integer weekly, Integer monthly, Duration maxAge) {
        public boolean keepsEverything() {
            return last == null && daily == null && weekly == null && monthly == null && maxAge == null;
        }
    }

    /** What a backup dumps. */
    public sealed interface Source permits Postgres, MySql, Sqlite, Redis, Dir, Mongo { }

    /** A PostgreSQL database, dumped with pg_dump in its custom format. */
    public record Postgres(String database, String host, int port, String user) implements Source { }

    /** A MySQL or MariaDB database, dumped with mariadb-dump / mysqldump --single-transaction. */
    public record MySql(String database, String host, int port, String user) implements Source { }

    /** An SQLite database file, dumped online and consistently (sqlite3 .dump in one read transaction). */
    public record Sqlite(Path file) implements Source { }

    /** A Redis server: an RDB snapshot taken with redis-cli --rdb. */
    public record Redis(String host, int port) implements Source { }

    /**
     * A MongoDB database, dumped with mongodump --archive. User null: no authentication. Not
     * tested here: MongoDB's tools cannot be installed on this project's machines.
     */
    public record Mongo(String database, String host, int port, String user) implements Source { }

    /** A directory, archived with tar; exclude patterns as tar's --exclude takes them. */
    public record Dir(Path dir, List<String> exclude) implements Source { }
}
