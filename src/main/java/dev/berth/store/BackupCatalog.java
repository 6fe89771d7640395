package dev.berth.store;

import static dev.berth.store.Sql.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup catalog: every run of every backup, with its archive, size, SHA-256, duration and
 * the tool and server versions. A run is recorded as running before the dump starts and as
 * succeeded only once the archive is renamed into place, so a kill -9 never leaves a run that
 * looks done.
 */
public final class BackupCatalog {
    public record Entry(long id, String name, String kind, String state, String trigger, long startedAt, Long finishedAt,
                        String file, Long bytes, String sha256, String compress, String toolVersion, String serverVersion,
                        String error, String drillState, Long drillAt, String drillResult,
                        String offsiteState, String offsiteKey, Long offsiteAt, String offsiteError) {
        /** When the run ended (when it started, for one adopted without an end). */
        public long endedAt() {
            return finishedAt != null ? finishedAt : startedAt;
        }

        /** The archive is on this machine (pruned or failed runs have no file). */
        public boolean local() {
            return state.equals("succeeded");
        }

        /** A restore took it of the state it was about to overwrite (see Retention for how long it is kept). */
        public boolean safety() {
            return SAFETY.equals(trigger);
        }

        /** The archive has a good copy in the off-site bucket. */
        public boolean offsite() {
            return "uploaded".equals(offsiteState);
        }
    }

    /** The trigger of the backup a restore takes first. */
    public static final String SAFETY = "safety";

    private final StateStore store;

    public BackupCatalog(StateStore store) {
        this.store = store;
    }

    public long begin(String name, String kind, String trigger, String compress) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO backups(name, kind, state, trigger, started_at, compress) VALUES (?,?,'running',?,?,?)",
                    PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, kind);
                ps.setString(3, trigger);
                ps.setLong(4, System.currentTimeMillis());
                ps.setString(5, compress);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /**
     * The archive of a running run is complete under its `.partial` name and about to be renamed
     * to `file`: the name and checksum are recorded first, the state stays running.
     */
    public void renaming(long id, String file, long bytes, String sha256, String toolVersion, String serverVersion) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    UPDATE backups SET file=?, bytes=?, sha256=?, tool_version=?, server_version=? WHERE id=? AND state='running'""")) {
                ps.setString(1, file);
                ps.setLong(2, bytes);
                ps.setString(3, sha256);
                ps.setString(4, toolVersion);
                ps.setString(5, serverVersion);
                ps.setLong(6, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A run a dead daemon left running whose archive is complete and matches its checksum: it counts as done. */
    public void adopted(long id, long finishedAt, String note) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE backups SET state='succeeded', finished_at=?, error=? WHERE id=? AND state='running'")) {
                ps.setLong(1, finishedAt);
                ps.setString(2, note);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Off-site uploads a dead daemon left under way: failed, so that the next run of the backup uploads them again. */
    public int interruptUploads(String error) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE backups SET offsite_state='failed', offsite_at=?, offsite_error=? WHERE offsite_state='uploading'")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, error);
                return ps.executeUpdate();
            }
        });
    }

    /** Every run in a state, newest first. */
    public List<Entry> inState(String state) {
        return query(() -> {
            return select(" WHERE state=?", state, 100000);
        });
    }

    /** Every archive file a row names, in any state. */
    public List<Entry> withFiles() {
        return query(() -> {
            return select(" WHERE file IS NOT NULL", null, 1000000);
        });
    }

    public void succeeded(long id, String file, long bytes, String sha256, String toolVersion, String serverVersion) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    UPDATE backups SET state='succeeded', finished_at=?, file=?, bytes=?, sha256=?, tool_version=?, server_version=?
                    WHERE id=?""")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, file);
                ps.setLong(3, bytes);
                ps.setString(4, sha256);
                ps.setString(5, toolVersion);
                ps.setString(6, serverVersion);
                ps.setLong(7, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void failed(long id, String state, String error) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE backups SET state=?, finished_at=?, error=? WHERE id=?")) {
                ps.setString(1, state);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, error);
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void pruned(long id) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE backups SET state='pruned' WHERE id=?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void drilled(long id, boolean passed, String resultJson) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE backups SET drill_state=?, drill_at=?, drill_result=? WHERE id=?")) {
                ps.setString(1, passed ? "passed" : "failed");
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, resultJson);
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Records the off-site copy of #id: uploaded (key set, error cleared), failed (with the error) or removed. */
    public void offsite(long id, String state, String key, String error) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE backups SET offsite_state=?, offsite_key=COALESCE(?, offsite_key), offsite_at=?, offsite_error=? WHERE id=?")) {
                ps.setString(1, state);
                ps.setString(2, key);
                ps.setLong(3, System.currentTimeMillis());
                ps.setString(4, error);
                ps.setLong(5, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<Entry> get(long id) {
        return query(() -> {
            List<Entry> one = select(" WHERE id=?", id, 1);
            return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
        });
    }

    /** Remembers a berth.yml whose scheduled backups the daemon takes, across daemon restarts. */
    public void watchSource(String configPath, String variablesJson) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO backup_sources(config_path, variables_json, added_at) VALUES (?,?,?)
                    ON CONFLICT(config_path) DO UPDATE SET variables_json=excluded.variables_json""")) {
                ps.setString(1, configPath);
                ps.setString(2, variablesJson);
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** config path -> variables JSON. */
    public Map<String, String> sources() {
        return store.withConnection(db -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT config_path, variables_json FROM backup_sources ORDER BY added_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    /** Runs a dead daemon left running: recorded as interrupted, never as done. */
    public int interruptRunning() {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE backups SET state='interrupted', finished_at=?, error='the berth daemon stopped during it' WHERE state='running'")) {
                ps.setLong(1, System.currentTimeMillis());
                return ps.executeUpdate();
            }
        });
    }

    /** The newest good archive of a backup (here or off-site), among its last 200 runs. */
    public Optional<Entry> newestGood(String name) {
        for (Entry e : list(name, 200)) {
            if (e.local() || e.offsite()) return Optional.of(e);
        }
        return Optional.empty();
    }

    /** When the newest good archive of a backup was finished (started, for one adopted without an end), or null. */
    public Long lastGood(String name) {
        return newestGood(name).map(Entry::endedAt).orElse(null);
    }

    /** The names of the backups the catalog has runs of, sorted. */
    public List<String> names() {
        return store.withConnection(db -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT DISTINCT name FROM backups ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    /** Newest first; name null for every backup. */
    public List<Entry> list(String name, int limit) {
        return query(() -> {
            return name == null ? select("", null, limit) : select(" WHERE name=?", name, limit);
        });
    }

    private List<Entry> select(String where, Object arg, int limit) throws SQLException {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT id, name, kind, state, trigger, started_at, finished_at, file, bytes, sha256, compress, tool_version,
                           server_version, error, drill_state, drill_at, drill_result, offsite_state, offsite_key, offsite_at, offsite_error
                    FROM backups""" + where + " ORDER BY id DESC LIMIT ?")) {
                int i = 1;
                if (arg != null) ps.setObject(i++, arg);
                ps.setInt(i, limit);
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                                StateStore.nullableLong(rs, 7), rs.getString(8), StateStore.nullableLong(rs, 9), rs.getString(10),
                                rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
                                StateStore.nullableLong(rs, 16), rs.getString(17), rs.getString(18), rs.getString(19),
                                StateStore.nullableLong(rs, 20), rs.getString(21)));
                    }
                }
                return out;
            }
        });
    }
}
