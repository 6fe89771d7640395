package dev.berth.monitor.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Follows one log file between the runs of a {@link LogErrorRateProbe}, like {@code tail -F}:
 * it remembers where it stopped, reads only the bytes written since, and keeps a tally per run
 * so that the count over a window is a sum, not a re-read.
 *
 * <p>When first seen, a file is read from its end: the lines already there are of unknown age
 * and are not counted. A file that appears later (created, or after a rotation) is read from
 * its start. Rotation is noticed by the file at the path changing (another inode): the rest of
 * the old file is read first, then the new file from its start. A file that shrank was
 * truncated in place (copytruncate) and is read again from its start. Lines count at the time
 * they are read, so a window is accurate to one run interval.
 *
 * <p>Keeps the file open between runs, so that lines written to the old file just before a
 * rotation are still counted.
 */
public final class LogTail {
    private static final int CHUNK = 64 * 1024;
    /** Longer lines are matched on their first 64 KiB. */
    private static final int MAX_LINE = 64 * 1024;

    /** Lines and matching lines within a window. */
    record Window(long lines, long matches) { }

    private record Tally(long atMillis, long lines, long matches) { }

    private final Clock clock;
    private final ArrayDeque<Tally> tallies = new ArrayDeque<>();
    private boolean polledBefore;
    private FileChannel channel;
    private Object fileKey;
    private long offset;
    private byte[] partial = new byte[256];
    private int partialSize;

    // counts of the poll in progress
    private long lines;
    private long matches;

    public LogTail() {
        this(Clock.systemUTC());
    }

    /** @param clock when lines were read, for the window; a test moves it */
    public LogTail(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads what was written since the previous poll, stopping early at the deadline (the rest is
     * read next time), and returns the counts within the window ending now.
     *
     * @throws NoSuchFileException when the file does not exist and none was being followed
     */
    synchronized Window poll(Path file, Pattern pattern, Duration window, long deadlineNanos) throws IOException {
        lines = 0;
        matches = 0;
        boolean first = !polledBefore;
        polledBefore = true;
        Object key = keyOf(file);
        if (key == null) {
            if (channel == null) throw new NoSuchFileException(file.toString());
            read(pattern, deadlineNanos); // rotated away, not yet recreated: the writer may still add to it
        } else if (channel != null && key.equals(fileKey)) {
            if (channel.size() < offset) { // truncated in place
                offset = 0;
                partialSize = 0;
            }
            read(pattern, deadlineNanos);
        } else {
            if (channel != null) { // rotated: finish the old file first
                read(pattern, Long.MAX_VALUE);
                if (partialSize > 0) endLine(pattern); // its last line, unterminated

                channel.close();
                channel = null;
            }
            open(file);
            if (first) offset = channel.size();
            read(pattern, deadlineNanos);
        }
        long now = clock.millis();
        tallies.addLast(new Tally(now, lines, matches));
        long since = now - window.toMillis();
        while (!tallies.isEmpty() && tallies.peekFirst().atMillis() <= since) tallies.removeFirst();
        long windowLines = 0;
        long windowMatches = 0;
        for (Tally t : tallies) {
            windowLines += t.lines();
            windowMatches += t.matches();
        }
        return new Window(windowLines, windowMatches);
    }

    private void open(Path file) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Object before = keyOf(file);
            FileChannel opened = FileChannel.open(file, StandardOpenOption.READ);
            Object after = keyOf(file);
            // the key must be the opened file's: retry if a rotation happened in between
            if (Objects.equals(before, after) && after != null || attempt == 2) {
                channel = opened;
                fileKey = after;
                offset = 0;
                partialSize = 0;
                return;
            }
            opened.close();
        }
    }

    private static Object keyOf(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = attributes.fileKey();
            return key != null ? key : file.toRealPath(); // no inodes on this filesystem: by path alone
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void read(Pattern pattern, long deadlineNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, offset);
            if (n <= 0) return;
            offset += n;
            byte[] bytes = buffer.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    append(bytes, start, i - start);
                    endLine(pattern);
                    start = i + 1;
                }
            }
            append(bytes, start, n - start);
            if (System.nanoTime() - deadlineNanos > 0) return;
        }
    }

    private void append(byte[] bytes, int from, int length) {
        int kept = Math.min(length, MAX_LINE - partialSize);
        if (kept <= 0) return;
        if (partialSize + kept > partial.length) {
            partial = Arrays.copyOf(partial, Math.min(MAX_LINE, Math.max(partial.length * 2, partialSize + kept)));
        }
        System.arraycopy(bytes, from, partial, partialSize, kept);
        partialSize += kept;
    }

    /** Counts the line collected so far. */
    private void endLine(Pattern pattern) {
        int length = partialSize;
        if (length > 0 && partial[length - 1] == '\r') length--;
        partialSize = 0;
        lines++;
        if (pattern.matcher(new String(partial, 0, length, StandardCharsets.UTF_8)).find()) matches++;
    }
}
