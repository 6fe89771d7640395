package dev.berth.access;

import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * BERTH_HOME/audit.log: one JSON line per action, appended (0600). Each line is one write(2), so
 * it is in the file, for any reader and past a crash of the daemon, once append returns; it is not
 * synced (an action is not worth a disk flush, and a power cut loses at most the last few lines).
 * Past {@code mostBytes} the file becomes audit.log.1 (the older ones .2, .3 ..., up to
 * {@code keep}) and a new one starts. The daemon is the one writer (one daemon per BERTH_HOME).
 */
public final class AuditLog implements AutoCloseable {
    public static final long MOST_BYTES = 10L << 20;
    public static final int KEEP = 3;
    /** The most entries {@link #last} returns. */
    public static final int MOST_READ = 1_000;
    private static final int CHUNK = 64 << 10;

    private final Path file;
    private final long mostBytes;
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private FileChannel channel;

    public AuditLog(Path file, long mostBytes, int keep) {
        if (mostBytes < 1 || keep < 1) throw new IllegalArgumentException("an audit log needs a size bound and at least one rotated file");
        this.file = file;
        this.mostBytes = mostBytes;
        this.keep = keep;
    }

    /** BERTH_HOME/audit.log, rotated at 10 MiB, 3 kept. */
    public static AuditLog in(Path berthHome) {
        return new AuditLog(berthHome.resolve("audit.log"), MOST_BYTES, KEEP);
    }

    public Path file() {
        return file;
    }

    public void append(AuditRecord record) throws IOException {
        byte[] line = (Json.write(record.toMap()) + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (channel == null) channel = PrivateFiles.open(PrivateFiles.file(file), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (channel.size() > 0 && channel.size() + line.length > mostBytes) rotate();
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) channel.write(b);
        } finally {
            lock.unlock();
        }
    }

    /** The last n entries (at most {@link #MOST_READ}), oldest first, across the rotated files; lines that do not parse are skipped. */
    public List<AuditRecord> last(int n) throws IOException {
        int want = Math.max(0, Math.min(n, MOST_READ));
        Deque<AuditRecord> out = new ArrayDeque<>();
        for (int i = 0; i <= keep && out.size() < want; i++) {
            Path f = i == 0 ? file : rotated(i);
            int needed = want - out.size();
            List<AuditRecord> found;
            for (int ask = needed; ; ask *= 2) { // more lines when some did not parse, until the file has no more
                List<String> lines = lastLines(f, ask);
                found = parsed(lines, needed);
                if (found.size() >= needed || lines.size() < ask) break;
            }
            for (int j = found.size() - 1; j >= 0; j--) out.addFirst(found.get(j));
        }
        return List.copyOf(out);
    }

    /** The last (at most) n records among lines, oldest first. */
    private static List<AuditRecord> parsed(List<String> lines, int n) {
        Deque<AuditRecord> out = new ArrayDeque<>();
        for (int j = lines.size() - 1; j >= 0 && out.size() < n; j--) {
            try {
                out.addFirst(AuditRecord.fromMap(Json.readMap(lines.get(j))));
            } catch (IllegalArgumentException torn) {
                // a line a crash cut short, or not ours: skipped
            }
        }
        return List.copyOf(out);
    }

    @Override public void close() throws IOException {
        lock.lock();
        try {
            if (channel != null) channel.close();
            channel = null;
        } finally {
            lock.unlock();
        }
    }

    private Path rotated(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) PrivateFiles.moveAtomically(rotated(i), rotated(i + 1));
        }
        PrivateFiles.moveAtomically(file, rotated(1));
        channel = PrivateFiles.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * Up to n of the last complete-looking lines of f (a few more may come back), read from the end
     * in chunks: reading the last entries costs what they are, not the whole file.
     */
    static List<String> lastLines(Path f, int n) throws IOException {
        if (n <= 0) return List.of();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long pos = ch.size();
            byte[] tail = new byte[0];
            int newlines = 0;
            while (pos > 0 && newlines <= n) {
                int len = (int) Math.min(CHUNK, pos);
                pos -= len;
                ByteBuffer b = ByteBuffer.allocate(len);
                while (b.hasRemaining() && ch.read(b, pos + b.position()) >= 0) {
                    // read until the chunk is full
                }
                byte[] chunk = b.array();
                for (byte x : chunk) if (x == '\n') newlines++;
                byte[] joined = new byte[chunk.length + tail.length];
                System.arraycopy(chunk, 0, joined, 0, chunk.length);
                System.arraycopy(tail, 0, joined, chunk.length, tail.length);
                tail = joined;
            }
            List<String> lines = new ArrayList<>(List.of(new String(tail, StandardCharsets.UTF_8).split("\n")));
            if (pos > 0 && !lines.isEmpty()) lines.remove(0); // began mid-line
            lines.removeIf(String::isBlank);
            return lines.size() <= n ? lines : lines.subList(lines.size() - n, lines.size());
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
