package dev.berth.store;

import static dev.berth.store.Sql.update;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What monitoring keeps: each check's current state, uptime counts per hour (35 days) and per
 * day (400 days), the alert history, silences and heartbeats.
 */
public final class CheckRecords {
    public record CheckState(String name, String state, long since, Long checkedAt, Double value, String message, Long alertedAt) { }

    public record AlertRecord(long id, long at, String subject, String state, String value, String threshold, Long since, String message,
                              String delivery, String channels, String error) { }

    public record Silence(long id, String target, long until, String reason, long createdAt) { }

    /** Runs and good runs of a check in one hour or day. */
    public record Count(long ok, long total) { }

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;

    private final StateStore store;

    public CheckRecords(StateStore store) {
        this.store = store;
    }

    /** Runs work in one transaction on the store's connection. */
    private void inTransaction(StateStore.ConnectionWork<Void> work) throws SQLException {
        store.withConnection(db -> {
            boolean auto = db.getAutoCommit();
            db.setAutoCommit(false);
            try {
                work.run(db);
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(auto);
            }
            return null;
        });
    }

    public Map<String, CheckState> states() {
        return store.withConnection(db -> {
            Map<String, CheckState> out = new HashMap<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT name, state, since, checked_at, value, message, alerted_at FROM check_states");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Double v = rs.getObject(5) == null ? null : rs.getDouble(5);
                    out.put(rs.getString(1), new CheckState(rs.getString(1), rs.getString(2), rs.getLong(3), StateStore.nullableLong(rs, 4), v,
                            rs.getString(6), StateStore.nullableLong(rs, 7)));
                }
            }
            return out;
        });
    }

    /** Saves states that changed (and when they were last alerted), in one transaction. */
    public void saveStates(List<CheckState> states) {
        update(() -> {
            if (states.isEmpty()) return;
            inTransaction(db -> {
                try (PreparedStatement ps = db.prepareStatement("""
                        INSERT INTO check_states(name, state, since, checked_at, value, message, alerted_at) VALUES (?,?,?,?,?,?,?)
                        ON CONFLICT(name) DO UPDATE SET state=excluded.state, since=excluded.since, checked_at=excluded.checked_at,
                          value=excluded.value, message=excluded.message, alerted_at=excluded.alerted_at""")) {
                    for (CheckState s : states) {
                        ps.setString(1, s.name());
                        ps.setString(2, s.state());
                        ps.setLong(3, s.since());
                        ps.setObject(4, s.checkedAt());
                        ps.setObject(5, s.value());
                        ps.setString(6, s.message());
                        ps.setObject(7, s.alertedAt());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        });
    }

    /**
     * Adds uptime counts (check name -> [ok, total] since the last flush, all in the hour of at)
     * and drops buckets older than their keep, in one transaction.
     */
    public void addUptime(Map<String, long[]> counts, long at) {
        update(() -> {
            if (counts.isEmpty()) return;
            inTransaction(db -> {
                try (PreparedStatement hours = db.prepareStatement("""
                        INSERT INTO uptime_hours(name, hour, ok, total) VALUES (?,?,?,?)
                        ON CONFLICT(name, hour) DO UPDATE SET ok=ok+excluded.ok, total=total+excluded.total""");
                     PreparedStatement days = db.prepareStatement("""
                        INSERT INTO uptime_days(name, day, ok, total) VALUES (?,?,?,?)
                        ON CONFLICT(name, day) DO UPDATE SET ok=ok+excluded.ok, total=total+excluded.total""")) {
                    for (var e : counts.entrySet()) {
                        hours.setString(1, e.getKey());
                        hours.setLong(2, at / HOUR);
                        hours.setLong(3, e.getValue()[0]);
                        hours.setLong(4, e.getValue()[1]);
                        hours.addBatch();
                        days.setString(1, e.getKey());
                        days.setLong(2, at / DAY);
                        days.setLong(3, e.getValue()[0]);
                        days.setLong(4, e.getValue()[1]);
                        days.addBatch();
                    }
                    hours.executeBatch();
                    days.executeBatch();
                    try (PreparedStatement old = db.prepareStatement("DELETE FROM uptime_hours WHERE hour < ?")) {
                        old.setLong(1, at / HOUR - 35 * 24);
                        old.executeUpdate();
                    }
                    try (PreparedStatement old = db.prepareStatement("DELETE FROM uptime_days WHERE day < ?")) {
                        old.setLong(1, at / DAY - 400);
                        old.executeUpdate();
                    }
                    // the alert history and ended silences: a year
                    try (PreparedStatement old = db.prepareStatement("DELETE FROM alerts WHERE at < ? AND delivery NOT LIKE 'queued%'")) {
                        old.setLong(1, at - 365 * DAY);
                        old.executeUpdate();
                    }
                    try (PreparedStatement old = db.prepareStatement("DELETE FROM silences WHERE until < ?")) {
                        old.setLong(1, at - 365 * DAY);
                        old.executeUpdate();
                    }
                }
                return null;
            });
        });
    }

    /** Good and total runs of a check within the last `millis` (hour buckets up to 35 days, day buckets beyond). */
    public Count uptime(String name, long millis, long now) {
        boolean byHour = millis <= 35 * DAY;
        String sql = byHour ? "SELECT COALESCE(SUM(ok),0), COALESCE(SUM(total),0) FROM uptime_hours WHERE name=? AND hour > ?"
                : "SELECT COALESCE(SUM(ok),0), COALESCE(SUM(total),0) FROM uptime_days WHERE name=? AND day > ?";
        long from = byHour ? (now - millis) / HOUR : (now - millis) / DAY;
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.setString(1, name);
                ps.setLong(2, from);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Count(rs.getLong(1), rs.getLong(2));
                }
            }
        });
    }

    /** One hour's or day's good and total runs; at is the bucket's start (epoch millis). */
    public record Bucket(long at, long ok, long total) { }

    /** The last n hour buckets (byHour) or day buckets of a check, oldest first, missing ones as 0 of 0. */
    public List<Bucket> uptimeBuckets(String name, boolean byHour, int n, long now) {
        long size = byHour ? HOUR : DAY;
        long last = now / size;
        Map<Long, long[]> found = new HashMap<>();
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(byHour ? "SELECT hour, ok, total FROM uptime_hours WHERE name=? AND hour > ?"
                    : "SELECT day, ok, total FROM uptime_days WHERE name=? AND day > ?")) {
                ps.setString(1, name);
                ps.setLong(2, last - n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) found.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
            return null;
        });
        List<Bucket> out = new ArrayList<>();
        for (long b = last - n + 1; b <= last; b++) {
            long[] c = found.getOrDefault(b, new long[2]);
            out.add(new Bucket(b * size, c[0], c[1]));
        }
        return out;
    }

    public long addAlert(long at, String subject, String state, String value, String threshold, Long since, String message,
                         String delivery, String channels, String error) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO alerts(at, subject, state, value, threshold, since, message, delivery, channels, error)
                    VALUES (?,?,?,?,?,?,?,?,?,?)""", PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, at);
                ps.setString(2, subject);
                ps.setString(3, state);
                ps.setString(4, value);
                ps.setString(5, threshold);
                ps.setObject(6, since);
                ps.setString(7, message);
                ps.setString(8, delivery);
                ps.setString(9, channels);
                ps.setString(10, error);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    public void setDelivery(long id, String delivery, String error) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE alerts SET delivery=?, error=? WHERE id=?")) {
                ps.setString(1, delivery);
                ps.setString(2, error);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Alerts recorded as queued (or "queued; sent to a, b": some channels still to go) that a dead daemon never finished, oldest first. */
    public List<AlertRecord> queued() {
        return store.withConnection(db -> {
            List<AlertRecord> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT id, at, subject, state, value, threshold, since, message, delivery, channels, error FROM alerts
                    WHERE delivery LIKE 'queued%' ORDER BY id""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AlertRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            StateStore.nullableLong(rs, 7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
                }
            }
            return out;
        });
    }

    /** Newest first. */
    public List<AlertRecord> alerts(int limit) {
        return store.withConnection(db -> {
            List<AlertRecord> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT id, at, subject, state, value, threshold, since, message, delivery, channels, error FROM alerts ORDER BY id DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AlertRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                StateStore.nullableLong(rs, 7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
                    }
                }
            }
            return out;
        });
    }

    public long addSilence(String target, long until, String reason) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO silences(target, until, reason, created_at) VALUES (?,?,?,?)",
                    PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, target);
                ps.setLong(2, until);
                ps.setString(3, reason);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Silences still in force at now. */
    public List<Silence> silences(long now) {
        return store.withConnection(db -> {
            List<Silence> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT id, target, until, reason, created_at FROM silences WHERE until > ? ORDER BY id")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Silence(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5)));
                }
            }
            return out;
        });
    }

    /** Ends silences of target (all of them when target is null); how many ended. */
    public int endSilences(String target, long now) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement(target == null ? "UPDATE silences SET until=? WHERE until > ?"
                    : "UPDATE silences SET until=? WHERE until > ? AND target=?")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                if (target != null) ps.setString(3, target);
                return ps.executeUpdate();
            }
        });
    }

    /** Remembers a berth.yml whose checks the daemon runs, with its variables sealed by the caller. */
    public void watchSource(String configPath, byte[] sealedVariables) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO monitor_sources(config_path, variables_sealed, added_at) VALUES (?,?,?)
                    ON CONFLICT(config_path) DO UPDATE SET variables_sealed=excluded.variables_sealed""")) {
                ps.setString(1, configPath);
                ps.setBytes(2, sealedVariables);
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void forgetSource(String configPath) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM monitor_sources WHERE config_path=?")) {
                ps.setString(1, configPath);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** config path -> sealed variables, in the order they were first watched. */
    public Map<String, byte[]> sources() {
        return store.withConnection(db -> {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT config_path, variables_sealed FROM monitor_sources ORDER BY added_at, config_path");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getBytes(2));
            }
            return out;
        });
    }

    /** The heartbeat's token, made (random) on first use. */
    public String heartbeatToken(String name) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT token FROM heartbeats WHERE name=?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return rs.getString(1);
                }
            }
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO heartbeats(name, token) VALUES (?,?)")) {
                ps.setString(1, name);
                ps.setString(2, token);
                ps.executeUpdate();
            }
            return token;
        });
    }

    /** Records a call of the heartbeat when the token is right; false when it is not. */
    public boolean beat(String name, String token, long at) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE heartbeats SET last_at=? WHERE name=? AND token=?")) {
                ps.setLong(1, at);
                ps.setString(2, name);
                ps.setString(3, token);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public Optional<Long> lastBeat(String name) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT last_at FROM heartbeats WHERE name=?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(StateStore.nullableLong(rs, 1)) : Optional.empty();
                }
            }
        });
    }
}
