package dev.berth.backup;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The archives a restore, a verify or a restore drill is reading now (from this machine or
 * from the off-site bucket). Retention never removes one while it is held: the check and the
 * removal happen under the same lock a hold is taken under, so a hold taken first always wins,
 * and a reader that comes second finds the archive already marked pruned in the catalog.
 */
final class ArchivesInUse {
    /** Removes one archive (its file or its off-site copy) and records it. */
    interface Removal {
        void remove() throws IOException;
    }

    /** A held archive; close releases it. */
    interface Hold extends AutoCloseable {
        @Override void close();
    }

    private final Map<Long, Integer> held = new HashMap<>(); // id -> readers; guarded by this

    synchronized Hold hold(long id) {
        held.merge(id, 1, Integer::sum);
        boolean[] released = {false};
        return () -> {
            synchronized (ArchivesInUse.this) {
                if (released[0]) return;
                released[0] = true;
                held.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
            }
        };
    }

    synchronized boolean isHeld(long id) {
        return held.containsKey(id);
    }

    /** Runs the removal of #id unless it is held; false when it is held (and nothing was done). */
    synchronized boolean removeUnlessHeld(long id, Removal removal) throws IOException {
        if (held.containsKey(id)) return false;
        removal.remove();
        return true;
    }
}
