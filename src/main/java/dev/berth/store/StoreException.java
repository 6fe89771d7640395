package dev.berth.store;

import java.sql.SQLException;

/**
 * The state database failed (a full disk, a locked or damaged file). Unchecked, so that JDBC's
 * SQLException stays inside this package: callers above say what they were doing, not how SQL failed.
 */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
