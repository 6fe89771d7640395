package dev.berth.store;

import static dev.berth.store.Sql.query;
import static dev.berth.store.Sql.update;

import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's embedded SQLite database (WAL mode) under BERTH_HOME. Every write is one
 * transaction, so a kill -9 at any moment leaves either the old or the new row, never half.
 * The file and its WAL/SHM companions are 0600; the secrets it keeps (an app's ${VAR} values, the
 * variables of watched files) are sealed by their writers (SecretBox) before they get here.
 */
public final class StateStore implements AutoCloseable {
    private final Connection db;
    private final Path file;

    public StateStore(Path file) throws IOException {
        this.file = file;
        try {
            PrivateFiles.directories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("PRAGMA foreign_keys=ON");
                // what a row held before it was changed or deleted is zeroed, not left in free space
                s.execute("PRAGMA secure_delete=ON");
            }
            Schema.migrate(this, db);
            restrictCompanionFiles();
        } catch (SQLException | StoreException e) { // a migration runs in inTransaction, which throws the latter
            throw new IOException("cannot open state database " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() { return file; }

    /** Copies the WAL into the database and empties it (after secrets were sealed: no old frame keeps them). */
    public synchronized void checkpoint() {
        update(() -> {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        });
    }

    /** For the other repositories of this database (see Deployments): one connection, used under this store's lock. */
    synchronized <T> T withConnection(ConnectionWork<T> work) {
        return query(() -> {
            return work.run(db);
        });
    }

    @FunctionalInterface
    interface ConnectionWork<T> { T run(Connection db) throws SQLException; }

    private void restrictCompanionFiles() {
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path p = file.resolveSibling(file.getFileName() + suffix);
            try {
                if (Files.exists(p)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException ignored) {
                // best effort: BERTH_HOME itself is 0700
            }
        }
    }

    /**
     * Runs one write committed without waiting for the disk (synchronous=NORMAL for it alone).
     * For runtime observations only, an instance's pid and state and the event log, which sit on
     * the path from a crash to the restart: a commit is in the kernel's hands when it returns,
     * so a kill -9 of the daemon loses none of them; only a power cut can lose the last few, and
     * after a power cut no process they describe exists any more. Decisions and results (desired
     * states, deployments, backups, alerts) keep waiting for fsync, and the next such commit
     * makes these durable with it. Inside a transaction, the transaction's own commit decides.
     */
    private void withoutFsync(Work<Void> write) throws SQLException {
        boolean relax = db.getAutoCommit();
        if (relax) pragma("synchronous=NORMAL");
        try {
            write.run();
        } finally {
            if (relax) pragma("synchronous=FULL");
        }
    }

    private void pragma(String setting) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA " + setting);
        }
    }

    /** A unit of work run inside one transaction. */
    @FunctionalInterface
    public interface Work<T> { T run() throws SQLException; }

    public synchronized <T> T inTransaction(Work<T> work) {
        return query(() -> {
            boolean auto = db.getAutoCommit();
            db.setAutoCommit(false);
            try {
                T result = work.run();
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(auto);
            }
        });
    }

    // ---- apps -------------------------------------------------------------------------

    public synchronized void upsertApp(StoredApp app) {
        update(() -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO apps(name, position, config_path, env_profile, desired, variables_json, updated_at)
                    VALUES (?,?,?,?,?,?,?)
                    ON CONFLICT(name) DO UPDATE SET config_path=excluded.config_path, env_profile=excluded.env_profile,
                      desired=excluded.desired, variables_json=excluded.variables_json,
                      updated_at=excluded.updated_at""")) {
                ps.setString(1, app.name());
                ps.setInt(2, app.position() >= 0 ? app.position() : nextPosition());
                ps.setString(3, app.configPath());
                ps.setString(4, app.envProfile());
                ps.setString(5, app.desired());
                ps.setString(6, app.variablesJson());
                ps.setLong(7, System.currentTimeMillis());
                ps.executeUpdate();
            }
        });
    }

    private int nextPosition() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(position),-1)+1 FROM apps")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    public synchronized void setDesired(String app, String desired) {
        update(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE apps SET desired=?, updated_at=? WHERE name=?")) {
                ps.setString(1, desired);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, app);
                ps.executeUpdate();
            }
        });
    }

    /**
     * Forgets an app: its registration, its instances and its events. A new app of the same name
     * starts with no history: its app:NAME check does not count the restarts of the deleted one.
     */
    public synchronized void deleteApp(String app) {
        inTransaction(() -> {
            for (String sql : new String[] {"DELETE FROM events WHERE app=?", "DELETE FROM instances WHERE app=?", "DELETE FROM apps WHERE name=?"}) {
                try (PreparedStatement ps = db.prepareStatement(sql)) {
                    ps.setString(1, app);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    public synchronized List<StoredApp> apps() {
        return query(() -> {
            List<StoredApp> out = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT name, position, config_path, env_profile, desired, variables_json FROM apps ORDER BY position")) {
                while (rs.next()) {
                    out.add(new StoredApp(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        });
    }

    // ---- instances --------------------------------------------------------------------

    /** An instance's runtime state; committed without waiting for the disk (see withoutFsync). */
    public synchronized void saveInstance(StoredInstance i) {
        update(() -> {
            withoutFsync(() -> {
                try (PreparedStatement ps = db.prepareStatement("""
                        INSERT INTO instances(app, idx, pid, start_ticks, started_at, port, restarts, state, reason, env_digest_json, env_changes)
                        VALUES (?,?,?,?,?,?,?,?,?,?,?)
                        ON CONFLICT(app, idx) DO UPDATE SET pid=excluded.pid, start_ticks=excluded.start_ticks,
                          started_at=excluded.started_at, port=excluded.port, restarts=excluded.restarts, state=excluded.state,
                          reason=excluded.reason, env_digest_json=excluded.env_digest_json, env_changes=excluded.env_changes""")) {
                    ps.setString(1, i.app());
                    ps.setInt(2, i.index());
                    setLong(ps, 3, i.pid());
                    setLong(ps, 4, i.startTicks());
                    setLong(ps, 5, i.startedAt());
                    if (i.port() == null) ps.setNull(6, Types.INTEGER); else ps.setInt(6, i.port());
                    ps.setInt(7, i.restarts());
                    ps.setString(8, i.state());
                    ps.setString(9, i.reason());
                    ps.setString(10, i.envDigestJson());
                    ps.setString(11, i.envChanges());
                    ps.executeUpdate();
                }
                return null;
            });
        });
    }

    private static void setLong(PreparedStatement ps, int col, Long v) throws SQLException {
        if (v == null) ps.setNull(col, Types.INTEGER); else ps.setLong(col, v);
    }

    public synchronized void deleteInstancesFrom(String app, int fromIndex) {
        update(() -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM instances WHERE app=? AND idx>=?")) {
                ps.setString(1, app);
                ps.setInt(2, fromIndex);
                ps.executeUpdate();
            }
        });
    }

    public synchronized List<StoredInstance> instances(String app) {
        return query(() -> {
            List<StoredInstance> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT app, idx, pid, start_ticks, started_at, port, restarts, state, reason, env_digest_json, env_changes
                    FROM instances WHERE app=? ORDER BY idx""")) {
                ps.setString(1, app);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredInstance(rs.getString(1), rs.getInt(2), nullableLong(rs, 3), nullableLong(rs, 4),
                                nullableLong(rs, 5), (Integer) rs.getObject(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                                rs.getString(10), rs.getString(11)));
                    }
                }
            }
            return out;
        });
    }

    /** A nullable INTEGER column (getLong gives 0 for NULL); the store's repositories share it. */
    static Long nullableLong(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    // ---- events -----------------------------------------------------------------------

    public void addEvent(String app, Integer index, String kind, String message) {
        update(() -> {
            long at = System.currentTimeMillis();
            synchronized (this) {
                withoutFsync(() -> {
                    try (PreparedStatement ps = db.prepareStatement("INSERT INTO events(at, app, idx, kind, message) VALUES (?,?,?,?,?)")) {
                        ps.setLong(1, at);
                        ps.setString(2, app);
                        if (index == null) ps.setNull(3, Types.INTEGER); else ps.setInt(3, index);
                        ps.setString(4, kind);
                        ps.setString(5, message);
                        ps.executeUpdate();
                    }
                    return null;
                });
            }
            Consumer<StoredEvent> l = eventListener;
            if (l != null) l.accept(new StoredEvent(at, app, index, kind, message)); // outside the lock: the listener may write too
        });
    }

    private volatile Consumer<StoredEvent> eventListener;

    /** Called after each recorded event (the monitor turns crash loops and failed backups into alerts). */
    public void onEvent(Consumer<StoredEvent> listener) {
        this.eventListener = listener;
    }

    /**
     * Exits of an app's instances since a time that nobody asked for: a stop, restart, reload or
     * deploy ends instances too, and those exits are recorded as "... (stopped)".
     */
    public synchronized int countUnplannedExits(String app, long sinceMillis) {
        return query(() -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT COUNT(*) FROM events WHERE app=? AND at>=? AND kind IN ('exited','errored') AND message NOT LIKE '%(stopped)'")) {
                ps.setString(1, app);
                ps.setLong(2, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    public synchronized List<StoredEvent> events(String app, int limit) {
        return query(() -> {
            List<StoredEvent> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT at, app, idx, kind, message FROM events WHERE app=? ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, app);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredEvent(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return out.reversed();
        });
    }

    /** The newest events of every app and backup:NAME together, oldest first. */
    public synchronized List<StoredEvent> recentEvents(int limit) {
        return query(() -> {
            List<StoredEvent> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT at, app, idx, kind, message FROM events ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredEvent(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return out.reversed();
        });
    }

    @Override public synchronized void close() {
        update(() -> {
            db.close();
        });
    }
}
