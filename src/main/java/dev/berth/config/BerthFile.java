package dev.berth.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A loaded and validated berth.yml. Apps keep their declared order. */
public record BerthFile(Path path, List<AppSpec> apps) {
    public Optional<AppSpec> app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
