package dev.berth.supervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * What a killed daemon's own children leave running: the tools of a restore or a drill
 * (`zstd -dc | pg_restore`, `tar -x`) read the archive themselves, so they would go on without
 * anyone to check their outcome, and a restore would land unrecorded. The daemon is started in
 * its own session, so they are found as the members of the dead daemon's session and process
 * group. Apps and deploy steps run in sessions of their own and are never among them.
 */
public final class LeftoverProcesses {
    private LeftoverProcesses() { }

    /** SIGKILLs every process whose session and process group are the dead daemon's pid; returns their pids. */
    public static List<Long> endSessionOf(long deadDaemon) {
        return endSessionOf(deadDaemon, new ProcessTree());
    }

    static List<Long> endSessionOf(long deadDaemon, ProcessTree tree) {
        List<Long> killed = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        if (deadDaemon <= 1 || deadDaemon == self || ProcessHandle.of(deadDaemon).map(ProcessHandle::isAlive).orElse(false)) return killed;
        List<Long> members;
        try {
            members = tree.sessionMembers(deadDaemon, self);
        } catch (RuntimeException e) {
            return killed; // no /proc: nothing to find
        }
        for (long pid : members) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            killed.add(pid);
        }
        return killed;
    }
}
