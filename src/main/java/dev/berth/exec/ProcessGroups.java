package dev.berth.exec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends what a command started, not just its first process. With setsid each command leads a
 * session and process group of its own, which kill(1) signals as a whole (ProcessHandle cannot
 * signal a group); without setsid its descendants are looked up and signalled one by one.
 */
final class ProcessGroups {
    private final boolean ownSession;

    ProcessGroups(boolean ownSession) {
        this.ownSession = ownSession;
    }

    /** TERM (git clone, a dump client clean up on it), KILL after the grace, then KILL what the groups left. */
    void stop(List<Process> ps, long graceNanos) {
        List<ProcessHandle> descendants = descendants(ps);
        for (Process p : ps) {
            if (ownSession) signalGroup(p.pid(), "TERM");
            p.destroy();
        }
        descendants.forEach(ProcessHandle::destroy);
        if (!waitAll(ps, graceNanos)) {
            kill(ps, descendants);
            waitAll(ps, graceNanos);
        }
        kill(ps, descendants); // whatever the leaders left behind in their groups
    }

    /** KILL at once: an interrupted caller does not wait for a clean end. */
    void kill(List<Process> ps) {
        kill(ps, descendants(ps));
    }

    private void kill(List<Process> ps, List<ProcessHandle> descendants) {
        for (Process p : ps) {
            if (ownSession) signalGroup(p.pid(), "KILL");
            p.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Looked up before the leaders end: after that their children belong to init and cannot be found. */
    private List<ProcessHandle> descendants(List<Process> ps) {
        List<ProcessHandle> all = new ArrayList<>();
        if (!ownSession) ps.forEach(p -> p.descendants().forEach(all::add));
        return all;
    }

    /** Only our own children are waited for: an orphaned helper stays a zombie until init reaps it. */
    private static boolean waitAll(List<Process> ps, long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            for (Process p : ps) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // KILL what is left at once
            return false;
        }
    }

    /** setsid made the leader's pid its process group id. */
    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to signal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
