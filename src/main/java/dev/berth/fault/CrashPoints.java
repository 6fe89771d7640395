package dev.berth.fault;

/**
 * Named moments at which the daemon can be made to die as a kill -9 would, for the tests and the
 * soak: with BERTH_CRASH_AT=NAME in its environment, the daemon halts there (no shutdown hook,
 * no finally block, children left running), exit 137. A kill at a random moment finds a
 * window of a few milliseconds once in many runs; this finds it every time.
 */
public final class CrashPoints {
    private static final String AT = System.getenv("BERTH_CRASH_AT");

    private CrashPoints() { }

    public static void reach(String name) {
        if (AT != null && AT.equals(name)) {
            System.err.println("berth: BERTH_CRASH_AT=" + name + ": halting here, as a kill -9 would");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
