package dev.berth.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded and validated berth.yml. Apps keep their declared order.
 *
 * @param inputs every file the result was read from: the berth.yml itself, then the env files
 *               it names; the same bytes in these files give the same result
 */
public record BerthFile(Path path, List<AppSpec> apps, List<Path> inputs) {
    public BerthFile(Path path, List<AppSpec> apps) {
        this(path, apps, List.of(path));
    }

    public Optional<AppSpec> app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
