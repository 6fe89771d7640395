package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import java.nio.file.Path;

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
}
