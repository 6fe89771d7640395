package dev.berth.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes /proc-shaped files for ProcessTree and TreeSampler to read in tests. */
final class FakeProc {
    private FakeProc() { }

    /** A stat line with every field filled, the unused ones with values that would show misindexing. */
    static void stat(Path proc, long pid, String comm, char state, long ppid, long pgrp,
                     long utime, long stime, long startTicks) throws IOException {
        stat(proc, pid, comm, state, ppid, pgrp, 900_006, utime, stime, startTicks);
    }

    /** As above, with the session id (field 6) too. */
    static void stat(Path proc, long pid, String comm, char state, long ppid, long pgrp, long session,
                     long utime, long stime, long startTicks) throws IOException {
        List<String> fields = new ArrayList<>();
        for (int n = 3; n <= 52; n++) {
            fields.add(Long.toString(900_000 + n)); // field n holds 900000 + n unless set below
        }
        fields.set(3 - 3, String.valueOf(state));
        fields.set(4 - 3, Long.toString(ppid));
        fields.set(5 - 3, Long.toString(pgrp));
        fields.set(6 - 3, Long.toString(session));
        fields.set(14 - 3, Long.toString(utime));
        fields.set(15 - 3, Long.toString(stime));
        fields.set(22 - 3, Long.toString(startTicks));
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") " + String.join(" ", fields) + "\n");
    }

    /** statm with the given resident pages (field 2). */
    static void statm(Path proc, long pid, long residentPages) throws IOException {
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("statm"), "99999 " + residentPages + " 3 4 0 5 0\n");
    }
}
