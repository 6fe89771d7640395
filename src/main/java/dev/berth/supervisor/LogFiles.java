package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Where one instance's output goes: `<app>-<i>-out.log` and `-err.log`, or `<app>-<i>.log` when merged. */
public record LogFiles(Path out, Path err) {
    public static LogFiles of(AppSpec spec, int index) {
        Path dir = spec.logs().dir();
        if (spec.logs().merge()) {
            Path merged = dir.resolve(spec.name() + "-" + index + ".log");
            return new LogFiles(merged, merged);
        }
        return new LogFiles(dir.resolve(spec.name() + "-" + index + "-out.log"), dir.resolve(spec.name() + "-" + index + "-err.log"));
    }

    /** A preflight's output (see Supervisor.preflight): one file, replaced at each preflight. */
    public static LogFiles preflight(AppSpec spec) {
        Path f = spec.logs().dir().resolve(spec.name() + "-preflight.log");
        return new LogFiles(f, f);
    }

    public boolean merged() { return out.equals(err); }

    /** The files there are: one when merged, else out and err. */
    public List<Path> files() { return merged() ? List.of(out) : List.of(out, err); }

    /**
     * Empties the files that exist and returns them. The app opened them in append mode, so its
     * next line lands at the new end (a truncate, not a delete and a new file it would not see).
     */
    public List<Path> truncate() throws IOException {
        List<Path> emptied = new ArrayList<>();
        for (Path p : files()) {
            if (!Files.exists(p)) continue;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            emptied.add(p);
        }
        return emptied;
    }
}
