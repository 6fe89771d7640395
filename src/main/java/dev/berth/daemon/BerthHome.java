package dev.berth.daemon;

import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * BERTH_HOME: where one daemon keeps its token, its state database, its logs and the file
 * that tells the CLI where it listens. Default ~/.berth. The directory is 0700, and everything
 * Berth makes in it is 0700 / 0600 (see PrivateFiles).
 */
public record BerthHome(Path dir) {

    public static BerthHome fromEnvironment(Map<String, String> env) {
        String explicit = env.get("BERTH_HOME");
        if (explicit != null && !explicit.isBlank()) return new BerthHome(Path.of(explicit).toAbsolutePath().normalize());
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new BerthHome(Path.of(home, ".berth"));
    }

    public Path token() { return dir.resolve("token"); }
    public Path daemonInfo() { return dir.resolve("daemon.json"); }
    public Path daemonLock() { return dir.resolve("daemon.lock"); }
    public Path daemonLog() { return dir.resolve("daemon.log"); }
    public Path stateDb() { return dir.resolve("state.db"); }
    public Path logs() { return dir.resolve("logs"); }

    /**
     * The pid the daemon holding daemon.lock wrote into it (it may have died since: check it), or
     * empty. Not for the daemon holding the lock: closing any descriptor of the file drops it.
     */
    public Optional<Long> lockHolder() {
        try {
            return pid(Files.readString(daemonLock()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What daemon.lock holds: the holder's pid, or nothing (a clean stop empties it). */
    static Optional<Long> pid(String lockContent) {
        try {
            return Optional.of(Long.parseLong(lockContent.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void ensure() throws IOException {
        var privateDir = PosixFilePermissions.fromString("rwx------");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(privateDir));
        } else if (!Files.getPosixFilePermissions(dir).equals(privateDir)) {
            // made beforehand (mkdir, provisioning): logs and state inside must not be readable by others
            Files.setPosixFilePermissions(dir, privateDir);
        }
        PrivateFiles.directories(logs());
    }

    /** At daemon start: what an older Berth made in here with the umask's mode loses its group and other bits. */
    public int tighten() throws IOException {
        return PrivateFiles.tighten(dir);
    }
}
