package dev.berth.history;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Readings not yet written, summed per series and 10 s slot: the supervisor's once-a-second
 * readings of an instance become one row with their sum, count and peak, and a check that runs
 * every 2 s adds five results to one slot. Bounded: past {@link #MOST} open slots a reading is
 * dropped (and counted), so a writer that cannot write (a full disk) never grows the heap.
 */
final class PendingPoints {
    static final int MOST = 20_000;

    /** A series and the start of its slot, in epoch seconds. */
    record Slot(String series, long t) { }

    /** Stored integers (value * scale): their sum, how many, and the largest. */
    static final class Sum {
        long total;
        int n;
        long peak = Long.MIN_VALUE;

        void add(long v) {
            total += v;
            n++;
            peak = Math.max(peak, v);
        }
    }

    private final Map<Slot, Sum> open = new HashMap<>();
    private long dropped;

    synchronized void add(String series, long slotSeconds, long stored) {
        Slot key = new Slot(series, slotSeconds);
        Sum s = open.get(key);
        if (s == null) {
            if (open.size() >= MOST) {
                dropped++;
                return;
            }
            s = new Sum();
            open.put(key, s);
        }
        s.add(stored);
    }

    /** Takes out the slots that start before the given second (all of them for Long.MAX_VALUE). */
    synchronized Map<Slot, Sum> takeBefore(long seconds) {
        Map<Slot, Sum> out = new HashMap<>();
        for (Iterator<Map.Entry<Slot, Sum>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Slot, Sum> e = it.next();
            if (e.getKey().t() < seconds) {
                out.put(e.getKey(), e.getValue());
                it.remove();
            }
        }
        return out;
    }

    /** How many readings were dropped since the last call. */
    synchronized long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }
}
