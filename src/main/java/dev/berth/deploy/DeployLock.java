package dev.berth.deploy;

import dev.berth.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One deploy at a time per app: an exclusive lock on &lt;deploy path&gt;/.deploy.lock, with who
 * holds it and since when written inside. The operating system drops the lock when its holder
 * dies, so a lock left by a killed daemon is taken over without anyone cleaning up.
 */
final class DeployLock implements AutoCloseable {
    /** Locks this JVM holds: the OS lock cannot tell two holders in the same process apart. */
    private static final Map<Path, Map<String, Object>> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DeployLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws DeployException naming the holder. */
    static DeployLock acquire(Path base, String app, String who) throws DeployException, IOException {
        Files.createDirectories(base);
        Path file = base.resolve(".deploy.lock").toAbsolutePath().normalize();
        Map<String, Object> holder = new LinkedHashMap<>();
        holder.put("app", app);
        holder.put("who", who);
        holder.put("since", Instant.now().toString());
        holder.put("pid", ProcessHandle.current().pid());
        Map<String, Object> inProcess = HELD.putIfAbsent(file, holder);
        if (inProcess != null) throw busy(app, inProcess);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                Map<String, Object> other;
                try {
                    other = Json.readMap(Files.readString(file));
                } catch (IOException | IllegalArgumentException e) {
                    other = Map.of();
                }
                throw busy(app, other);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((Json.pretty(holder) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DeployLock(file, ch, lock);
        } catch (DeployException | IOException | RuntimeException e) {
            HELD.remove(file);
            if (ch != null) ch.close();
            throw e;
        }
    }

    private static DeployException busy(String app, Map<String, Object> holder) {
        return new DeployException("a deploy of " + app + " is already running"
                + (holder.get("who") != null ? ", started by " + holder.get("who") : "")
                + (holder.get("since") != null ? " at " + holder.get("since") : "")
                + (holder.get("pid") != null ? " (berth daemon pid " + holder.get("pid") + ")" : "")
                + "; wait for it, or see `berth deployments " + app + "`");
    }

    @Override public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
            HELD.remove(file);
        }
    }
}
