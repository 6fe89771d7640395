package dev.berth.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs the way execvp does, without running anything. */
public final class Executables {
    private Executables() { }

    /** What execvp searches when PATH is not set. */
    static final String DEFAULT_PATH = "/usr/bin:/bin";

    /** The program called {@code name} in the directories of {@code path} (a PATH value; null: the default). */
    public static Optional<Path> onPath(String name, String path) {
        if (name.contains("/")) {
            Path direct = Path.of(name);
            return Files.isExecutable(direct) ? Optional.of(direct) : Optional.empty();
        }
        for (String dir : (path == null ? DEFAULT_PATH : path).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    public static Optional<Path> onPath(String name) {
        return onPath(name, System.getenv("PATH"));
    }
}
