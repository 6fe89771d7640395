package dev.berth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operations the daemon is in the middle of: a row is written (and synced) before an
 * operation starts and removed when it ends, however it ends. Rows a dead daemon left are the
 * operations it was killed in; the next daemon reports (or finishes) each and removes it.
 */
public final class Operations {
    /** One operation under way. target: an app, or backup:NAME. detailJson: what the next daemon needs to report or undo it. */
    public record Operation(long id, String kind, String target, long startedAt, String detailJson) { }

    /** The operation itself. */
    @FunctionalInterface
    public interface Body<T, E extends Exception> {
        T run() throws E;
    }

    private static final Logger LOG = Logger.getLogger(Operations.class.getName());
    private final StateStore store;

    public Operations(StateStore store) {
        this.store = store;
    }

    public long begin(String kind, String target, String detailJson) {
        return store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO operations(kind, target, started_at, detail_json) VALUES (?,?,?,?)",
                    PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, kind);
                ps.setString(2, target);
                ps.setLong(3, System.currentTimeMillis());
                ps.setString(4, detailJson);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /**
     * Runs body with its record written first and removed after, however it ends. A record that
     * cannot be written does not stop the operation (the store failing says so elsewhere).
     */
    public <T, E extends Exception> T during(String kind, String target, String detailJson, Body<T, E> body) throws E {
        Long id = null;
        try {
            id = begin(kind, target, detailJson);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record the " + kind + " of " + target + " as under way", e);
        }
        try {
            return body.run();
        } finally {
            if (id != null) {
                try {
                    end(id);
                } catch (StoreException e) {
                    LOG.log(Level.WARNING, "cannot record the end of the " + kind + " of " + target, e);
                }
            }
        }
    }

    public void end(long id) {
        store.withConnection(db -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM operations WHERE id=?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every operation recorded as under way, oldest first. */
    public List<Operation> all() {
        return store.withConnection(db -> {
            List<Operation> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT id, kind, target, started_at, detail_json FROM operations ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Operation(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
            }
            return out;
        });
    }
}
