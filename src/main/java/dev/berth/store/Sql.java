package dev.berth.store;

import java.sql.SQLException;

/** The one place where an SQLException becomes a StoreException: it goes no further than this package. */
final class Sql {
    private Sql() { }

    @FunctionalInterface
    interface Query<T> { T run() throws SQLException; }

    @FunctionalInterface
    interface Update { void run() throws SQLException; }

    static <T> T query(Query<T> query) {
        try {
            return query.run();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    static void update(Update update) {
        try {
            update.run();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
