package dev.berth.store;

import static dev.berth.store.Sql.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Deploy history in the state database: deployments (each attempt, with its outcome), their
 * steps (with durations and log files), and the releases on disk (with whether each is good).
 * Every write is its own transaction, so a kill -9 leaves the history as it was last reported.
 */
public final class Deployments {
    /** One attempt to make a release live (kind deploy), restart the live one (quick), or go back (rollback). */
    public record Deployment(long id, String app, String kind, String state, String release, String ref, String commit,
                             String previousRelease, String who, long startedAt, Long finishedAt, String failedStep,
                             String message, String optionsJson, Long backupId) { }

    public record Step(long deploymentId, int seq, String name, String command, String state, long startedAt,
                       Long finishedAt, String logPath, String message) { }

    public record Release(String app, String id, String path, String state, String commit, String ref, long createdAt,
                          Long deploymentId) { }

    private final StateStore store;

    public Deployments(StateStore store) {
        this.store = store;
    }

    public long begin(String app, String kind, String release, String ref, String previousRelease, String who, String optionsJson) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO deployments(app, kind, state, release, ref, previous_release, who, started_at, options_json)
                    VALUES (?,?,'running',?,?,?,?,?,?)""", PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, app);
                ps.setString(2, kind);
                ps.setString(3, release);
                ps.setString(4, ref);
                ps.setString(5, previousRelease);
                ps.setString(6, who);
                ps.setLong(7, System.currentTimeMillis());
                ps.setString(8, optionsJson);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    public void setRelease(long id, String release, String commit) {
        Sql.update(() -> {
            update("UPDATE deployments SET release=?, commit_id=? WHERE id=?", release, commit, id);
        });
    }

    public void setBackup(long id, long backupId) {
        Sql.update(() -> {
            update("UPDATE deployments SET backup_id=? WHERE id=?", backupId, id);
        });
    }

    public void finish(long id, String state, String failedStep, String message) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE deployments SET state=?, failed_step=?, message=?, finished_at=? WHERE id=?")) {
                ps.setString(1, state);
                ps.setString(2, failedStep);
                ps.setString(3, message);
                ps.setLong(4, System.currentTimeMillis());
                ps.setLong(5, id);
                ps.executeUpdate();
            }
            return null;
        });
        if ("failed".equals(state) || "rolled_back".equals(state)) { // an alert event, for the monitor to send
            Optional<Deployment> d = get(id);
            if (d.isPresent()) {
                store.addEvent(d.get().app(), null, "deploy_" + state, "deployment #" + id + (state.equals("failed") ? " failed" : " was rolled back")
                        + (failedStep == null ? "" : " at " + failedStep) + (message == null ? "" : ": " + message));
            }
        }
    }

    /** How many deployments ended in each state (succeeded, failed, rolled_back, ...), by app. */
    public Map<String, Map<String, Long>> countByState() {
        return store.withConnection(db -> {
            Map<String, Map<String, Long>> out = new TreeMap<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT app, state, COUNT(*) FROM deployments GROUP BY app, state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
            return out;
        });
    }

    /** Deployments a dead daemon left running: they are reported interrupted, never done. */
    public List<Deployment> interruptRunning(String why) {
        return query(() -> {
            List<Deployment> running = list(null, "state='running'", 1000);
            for (Deployment d : running) {
                finish(d.id(), "interrupted", null, why);
                update("UPDATE deployment_steps SET state='failed', finished_at=?, message=? WHERE deployment_id=? AND state='running'",
                        System.currentTimeMillis(), why, d.id());
            }
            return running;
        });
    }

    public Optional<Deployment> get(long id) {
        return query(() -> {
            List<Deployment> l = list(null, "id=" + id, 1);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        });
    }

    /** Newest first; app null for all apps. */
    public List<Deployment> list(String app, int limit) {
        return query(() -> {
            return list(app, null, limit);
        });
    }

    private List<Deployment> list(String app, String where, int limit) throws SQLException {
        return store.withConnection(db -> {
            String sql = "SELECT id, app, kind, state, release, ref, commit_id, previous_release, who, started_at, finished_at,"
                    + " failed_step, message, options_json, backup_id FROM deployments WHERE 1=1"
                    + (app != null ? " AND app=?" : "") + (where != null ? " AND " + where : "") + " ORDER BY id DESC LIMIT ?";
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                int i = 1;
                if (app != null) ps.setString(i++, app);
                ps.setInt(i, limit);
                List<Deployment> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Deployment(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10),
                                StateStore.nullableLong(rs, 11), rs.getString(12), rs.getString(13), rs.getString(14), StateStore.nullableLong(rs, 15)));
                    }
                }
                return out;
            }
        });
    }

    // ---- steps ----------------------------------------------------------------------------

    public void stepStarted(long deploymentId, int seq, String name, String command, String logPath) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO deployment_steps(deployment_id, seq, name, command, state, started_at, log_path)
                    VALUES (?,?,?,?,'running',?,?)""")) {
                ps.setLong(1, deploymentId);
                ps.setInt(2, seq);
                ps.setString(3, name);
                ps.setString(4, command);
                ps.setLong(5, System.currentTimeMillis());
                ps.setString(6, logPath);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void stepFinished(long deploymentId, int seq, String state, String message) {
        Sql.update(() -> {
            update("UPDATE deployment_steps SET state=?, message=?, finished_at=? WHERE deployment_id=? AND seq=?",
                    state, message, System.currentTimeMillis(), deploymentId, seq);
        });
    }

    public void stepSkipped(long deploymentId, int seq, String name, String command, String why) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO deployment_steps(deployment_id, seq, name, command, state, started_at, finished_at, message)
                    VALUES (?,?,?,?,'skipped',?,?,?)""")) {
                long now = System.currentTimeMillis();
                ps.setLong(1, deploymentId);
                ps.setInt(2, seq);
                ps.setString(3, name);
                ps.setString(4, command);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.setString(7, why);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public List<Step> steps(long deploymentId) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT deployment_id, seq, name, command, state, started_at, finished_at, log_path, message
                    FROM deployment_steps WHERE deployment_id=? ORDER BY seq""")) {
                ps.setLong(1, deploymentId);
                List<Step> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Step(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getLong(6), StateStore.nullableLong(rs, 7), rs.getString(8), rs.getString(9)));
                    }
                }
                return out;
            }
        });
    }

    // ---- releases -------------------------------------------------------------------------

    public void saveRelease(Release r) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO releases(app, id, path, state, commit_id, ref, created_at, deployment_id) VALUES (?,?,?,?,?,?,?,?)
                    ON CONFLICT(app, id) DO UPDATE SET path=excluded.path, state=excluded.state, commit_id=excluded.commit_id,
                      ref=excluded.ref, deployment_id=excluded.deployment_id""")) {
                ps.setString(1, r.app());
                ps.setString(2, r.id());
                ps.setString(3, r.path());
                ps.setString(4, r.state());
                ps.setString(5, r.commit());
                ps.setString(6, r.ref());
                ps.setLong(7, r.createdAt());
                if (r.deploymentId() == null) ps.setNull(8, Types.INTEGER); else ps.setLong(8, r.deploymentId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void setReleaseState(String app, String id, String state) {
        Sql.update(() -> {
            update("UPDATE releases SET state=? WHERE app=? AND id=?", state, app, id);
        });
    }

    /** Newest first. */
    public List<Release> releases(String app) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT app, id, path, state, commit_id, ref, created_at, deployment_id FROM releases
                    WHERE app=? ORDER BY created_at DESC, id DESC""")) {
                ps.setString(1, app);
                List<Release> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Release(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getLong(7), StateStore.nullableLong(rs, 8)));
                    }
                }
                return out;
            }
        });
    }

    public Optional<Release> release(String app, String id) {
        return releases(app).stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private void update(String sql, Object... args) throws SQLException {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
