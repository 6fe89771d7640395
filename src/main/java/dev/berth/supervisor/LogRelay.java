package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.TimestampPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line that starts an app behind berth-logd, the small C relay that
 * stamps and rotates its output (see src/main/c/berth-logd.c). Used only when the app asks
 * for timestamps or rotation; otherwise the kernel writes the app's output straight to its files.
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
