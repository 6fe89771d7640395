package dev.berth.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a killed daemon's own children leave running: the tools of a restore or a drill
 * (`zstd -dc | pg_restore`, `tar -x`) read the archive themselves, so they would go on without
 * anyone to check their outcome, and a restore would land unrecorded. The daemon is started in
 * its own session, so they are found as the members of the dead daemon's session and process
 * group. Apps and deploy steps run in sessions of their own and are never among them.
 */
final class LeftoverProcesses {
    private LeftoverProcesses() { }

    /** SIGKILLs every process whose session and process group are the dead daemon's pid; returns their pids. */
    static List<Long> endSessionOf(long deadDaemon) {
        List<Long> killed = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        if (deadDaemon <= 1 || deadDaemon == self || ProcessHandle.of(deadDaemon).map(ProcessHandle::isAlive).orElse(false)) return killed;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) continue;
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // f[0] state, f[1] ppid, f[2] pgrp, f[3] session
                    if (Long.parseLong(f[2]) == deadDaemon && Long.parseLong(f[3]) == deadDaemon) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        killed.add(pid);
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return killed;
    }
}
