package dev.berth.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The state database's tables, version by version (PRAGMA user_version): each step is one
 * transaction, so a database is at one version or the next, never between. A database newer
 * than this Berth is refused rather than written to.
 */
final class Schema {
    static final int VERSION = 9;

    private Schema() { }

    static void migrate(StateStore store, Connection db) throws SQLException {
        int version;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > VERSION) {
            throw new SQLException("state database schema " + version + " is newer than this berth (" + VERSION + "); upgrade berth");
        }
        if (version < 1) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    s.execute("""
                        CREATE TABLE apps (
                          name TEXT PRIMARY KEY,
                          position INTEGER NOT NULL,
                          config_path TEXT NOT NULL,
                          env_profile TEXT,
                          desired TEXT NOT NULL CHECK (desired IN ('running','stopped')),
                          variables_json TEXT NOT NULL DEFAULT '{}',
                          updated_at INTEGER NOT NULL)""");
                    s.execute("""
                        CREATE TABLE instances (
                          app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
                          idx INTEGER NOT NULL,
                          pid INTEGER,
                          start_ticks INTEGER,
                          started_at INTEGER,
                          port INTEGER,
                          restarts INTEGER NOT NULL DEFAULT 0,
                          state TEXT NOT NULL,
                          reason TEXT,
                          env_digest_json TEXT,
                          env_changes TEXT,
                          PRIMARY KEY (app, idx))""");
                    s.execute("""
                        CREATE TABLE events (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          at INTEGER NOT NULL,
                          app TEXT NOT NULL,
                          idx INTEGER,
                          kind TEXT NOT NULL,
                          message TEXT NOT NULL)""");
                    s.execute("CREATE INDEX events_app ON events(app, id)");
                    s.execute("PRAGMA user_version=1");
                }
                return null;
            });
        }
        if (version < 2) {
            // Deploy history outlives the app's registration: no foreign key to apps.
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    s.execute("""
                        CREATE TABLE deployments (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          app TEXT NOT NULL,
                          kind TEXT NOT NULL CHECK (kind IN ('deploy','quick','rollback')),
                          state TEXT NOT NULL CHECK (state IN ('running','succeeded','failed','rolled_back','interrupted')),
                          release TEXT,
                          ref TEXT,
                          commit_id TEXT,
                          previous_release TEXT,
                          who TEXT NOT NULL,
                          started_at INTEGER NOT NULL,
                          finished_at INTEGER,
                          failed_step TEXT,
                          message TEXT,
                          options_json TEXT NOT NULL DEFAULT '{}')""");
                    s.execute("CREATE INDEX deployments_app ON deployments(app, id)");
                    s.execute("""
                        CREATE TABLE deployment_steps (
                          deployment_id INTEGER NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
                          seq INTEGER NOT NULL,
                          name TEXT NOT NULL,
                          command TEXT,
                          state TEXT NOT NULL CHECK (state IN ('running','ok','failed','skipped')),
                          started_at INTEGER NOT NULL,
                          finished_at INTEGER,
                          log_path TEXT,
                          message TEXT,
                          PRIMARY KEY (deployment_id, seq))""");
                    s.execute("""
                        CREATE TABLE releases (
                          app TEXT NOT NULL,
                          id TEXT NOT NULL,
                          path TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('building','good','failed','rolled_back','pruned')),
                          commit_id TEXT,
                          ref TEXT,
                          created_at INTEGER NOT NULL,
                          deployment_id INTEGER,
                          PRIMARY KEY (app, id))""");
                    s.execute("PRAGMA user_version=2");
                }
                return null;
            });
        }
        if (version < 3) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    s.execute("""
                        CREATE TABLE backups (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          name TEXT NOT NULL,
                          kind TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('running','succeeded','failed','interrupted','pruned')),
                          trigger TEXT NOT NULL,
                          started_at INTEGER NOT NULL,
                          finished_at INTEGER,
                          file TEXT,
                          bytes INTEGER,
                          sha256 TEXT,
                          compress TEXT,
                          tool_version TEXT,
                          server_version TEXT,
                          error TEXT,
                          drill_state TEXT CHECK (drill_state IN ('passed','failed')),
                          drill_at INTEGER,
                          drill_result TEXT)""");
                    s.execute("CREATE INDEX backups_name ON backups(name, id)");
                    s.execute("PRAGMA user_version=3");
                }
                return null;
            });
        }
        if (version < 4) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // the backup taken before a deployment's migrations, for rollback --with-data
                    s.execute("ALTER TABLE deployments ADD COLUMN backup_id INTEGER");
                    s.execute("PRAGMA user_version=4");
                }
                return null;
            });
        }
        if (version < 5) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // berth.yml files whose scheduled backups the daemon takes (variables may hold secrets: the file is 0600)
                    s.execute("""
                        CREATE TABLE backup_sources (
                          config_path TEXT PRIMARY KEY,
                          variables_json TEXT NOT NULL DEFAULT '{}',
                          added_at INTEGER NOT NULL)""");
                    s.execute("PRAGMA user_version=5");
                }
                return null;
            });
        }
        if (version < 6) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // the off-site copy of an archive: uploaded | failed | removed (by its retention)
                    s.execute("ALTER TABLE backups ADD COLUMN offsite_state TEXT");
                    s.execute("ALTER TABLE backups ADD COLUMN offsite_key TEXT");
                    s.execute("ALTER TABLE backups ADD COLUMN offsite_at INTEGER");
                    s.execute("ALTER TABLE backups ADD COLUMN offsite_error TEXT");
                    s.execute("PRAGMA user_version=6");
                }
                return null;
            });
        }
        if (version < 7) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // monitoring: each check's current state (so a daemon restart re-alerts nothing),
                    // uptime per hour (35 days) and per day (400 days), the alert history, silences, heartbeats
                    s.execute("""
                        CREATE TABLE check_states (
                          name TEXT PRIMARY KEY,
                          state TEXT NOT NULL,
                          since INTEGER NOT NULL,
                          checked_at INTEGER,
                          value REAL,
                          message TEXT,
                          alerted_at INTEGER)""");
                    s.execute("CREATE TABLE uptime_hours (name TEXT NOT NULL, hour INTEGER NOT NULL, ok INTEGER NOT NULL, total INTEGER NOT NULL, PRIMARY KEY(name, hour))");
                    s.execute("CREATE TABLE uptime_days (name TEXT NOT NULL, day INTEGER NOT NULL, ok INTEGER NOT NULL, total INTEGER NOT NULL, PRIMARY KEY(name, day))");
                    s.execute("""
                        CREATE TABLE alerts (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          at INTEGER NOT NULL,
                          subject TEXT NOT NULL,
                          state TEXT NOT NULL,
                          value TEXT,
                          threshold TEXT,
                          since INTEGER,
                          message TEXT,
                          delivery TEXT NOT NULL,
                          channels TEXT,
                          error TEXT)""");
                    s.execute("CREATE INDEX alerts_at ON alerts(at)");
                    s.execute("CREATE TABLE silences (id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, until INTEGER NOT NULL, reason TEXT, created_at INTEGER NOT NULL)");
                    s.execute("CREATE TABLE heartbeats (name TEXT PRIMARY KEY, token TEXT NOT NULL, last_at INTEGER)");
                    // berth.yml files whose checks the daemon runs; their variables (webhook keys, ...) sealed with secret.key
                    s.execute("CREATE TABLE monitor_sources (config_path TEXT PRIMARY KEY, variables_sealed BLOB NOT NULL, added_at INTEGER NOT NULL)");
                    s.execute("PRAGMA user_version=7");
                }
                return null;
            });
        }
        if (version < 8) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // 'superseded': a good release that a rollback replaced (SQLite changes a CHECK only by rebuilding the table)
                    s.execute("""
                        CREATE TABLE releases_new (
                          app TEXT NOT NULL,
                          id TEXT NOT NULL,
                          path TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('building','good','failed','rolled_back','superseded','pruned')),
                          commit_id TEXT,
                          ref TEXT,
                          created_at INTEGER NOT NULL,
                          deployment_id INTEGER,
                          PRIMARY KEY (app, id))""");
                    s.execute("INSERT INTO releases_new SELECT app, id, path, state, commit_id, ref, created_at, deployment_id FROM releases");
                    s.execute("DROP TABLE releases");
                    s.execute("ALTER TABLE releases_new RENAME TO releases");
                    s.execute("PRAGMA user_version=8");
                }
                return null;
            });
        }
        if (version < 9) {
            store.inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    // operations under way (restart, reload, stop, restore, drill): written before, removed after;
                    // what a dead daemon left here was interrupted, and the next one says so
                    s.execute("""
                        CREATE TABLE operations (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          kind TEXT NOT NULL,
                          target TEXT NOT NULL,
                          started_at INTEGER NOT NULL,
                          detail_json TEXT NOT NULL DEFAULT '{}')""");
                    s.execute("PRAGMA user_version=9");
                }
                return null;
            });
        }
    }
}
