package dev.berth.exec;

/**
 * How a command becomes the process actually started on this machine. Locally it is the
 * command itself; a container transport would turn it into {@code podman exec <container> ...},
 * a remote one into {@code ssh <host> -- ...}. Either way the runner then starts, bounds and
 * stops what it is given, the same as for a local command.
 */
@FunctionalInterface
public interface Transport {
    Command wrap(Command command);

    /** The command runs here, as it is. */
    static Transport local() {
        return command -> command;
    }
}
