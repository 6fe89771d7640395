package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.TimestampPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line that starts an app behind berth-logd, the small C relay that
 * stamps and rotates its output (see src/main/c/berth-logd.c). The relay runs only when the app
 * asks for timestamps or rotation; otherwise the kernel writes the app's output straight to its
 * files, and berth-logd only starts the app in a session of its own.
 */
public final class LogRelay {
    private final Path binary;

    public LogRelay(Path binary) {
        this.binary = binary;
    }

    /** berth-logd next to the jar (target/ in a checkout), or -Dberth.logd. */
    public static LogRelay locate() {
        String explicit = System.getProperty("berth.logd");
        if (explicit != null) return new LogRelay(Path.of(explicit));
        try {
            Path code = Path.of(LogRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new LogRelay(code.getParent().resolve("berth-logd"));
        } catch (Exception e) {
            return new LogRelay(Path.of("berth-logd"));
        }
    }

    public Path binary() { return binary; }

    public static boolean needed(AppSpec.LogSpec logs) {
        return logs.timestamp() != null || logs.rotateSize() != null || logs.rotateAge() != null;
    }

    /**
     * The argv that starts `command` in a session and process group of its own, so the whole tree
     * can be signalled and the daemon's death does not reach it: berth-logd without a relay, or
     * setsid(1) when berth-logd is missing. berth-logd execs at once; setsid(1) loads a locale first.
     */
    public List<String> inOwnSession(List<String> command) {
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(binary)) {
            argv.add(binary.toString());
            argv.add("--");
        } else {
            argv.add("setsid");
        }
        argv.addAll(command);
        return argv;
    }

    /** The argv that starts `command` with its output relayed; the relay takes over setsid. */
    public List<String> wrap(AppSpec.LogSpec logs, LogFiles files, List<String> command) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("log timestamps/rotation need " + binary + ", which is missing; rebuild with scripts/build");
        }
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        if (logs.timestamp() != null) argv.addAll(List.of("--timestamp", TimestampPattern.toRelayFormat(logs.timestamp())));
        if (logs.rotateSize() != null) argv.addAll(List.of("--max-size", String.valueOf(logs.rotateSize())));
        if (logs.rotateAge() != null) argv.addAll(List.of("--max-age", String.valueOf(Math.max(1, logs.rotateAge().toSeconds()))));
        if (logs.rotateSize() != null || logs.rotateAge() != null) {
            argv.addAll(List.of("--keep", String.valueOf(logs.keep())));
            if (logs.compress()) argv.add("--gzip");
        }
        argv.addAll(List.of("--out", files.out().toString()));
        if (!files.merged()) argv.addAll(List.of("--err", files.err().toString()));
        argv.add("--");
        argv.addAll(command);
        return argv;
    }
}
