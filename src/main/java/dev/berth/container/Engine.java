package dev.berth.container;

import dev.berth.exec.Executables;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A container engine Berth drives through its CLI, with argument lists: Docker or Podman. Both
 * take the same `run` options for what Berth uses, except GPUs (see {@link RunArguments}).
 *
 * @param kind   which engine
 * @param binary its CLI
 */
public record Engine(Kind kind, Path binary) {
    public enum Kind {
        DOCKER("docker"), PODMAN("podman");

        public final String command;

        Kind(String command) {
            this.command = command;
        }

        public static Kind named(String name) {
            return name.equals("docker") ? DOCKER : PODMAN;
        }
    }

    /**
     * The engine berth.yml names, or else the one the host has: Podman when both are (it needs
     * no daemon, so a container outlives nothing but its own monitor). Empty when there is none.
     */
    public static Optional<Engine> find(String named, String path) {
        if (named != null) {
            Kind k = Kind.named(named);
            return Executables.onPath(k.command, path).map(p -> new Engine(k, p));
        }
        for (Kind k : new Kind[] {Kind.PODMAN, Kind.DOCKER}) {
            Optional<Path> p = Executables.onPath(k.command, path);
            if (p.isPresent()) return Optional.of(new Engine(k, p.get()));
        }
        return Optional.empty();
    }

    /** What to tell the user when find() has nothing. */
    public static String missing(String named) {
        return named != null ? named + " is not on PATH (container.engine: " + named + "); install it or remove container.engine"
                : "neither podman nor docker is on PATH: install one (apt-get install podman) to run a container app";
    }
}
