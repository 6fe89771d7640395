package dev.berth.api;

import dev.berth.files.Names;
import dev.berth.store.Deployments;
import dev.berth.supervisor.LogFiles;
import dev.berth.supervisor.Supervisor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Log text for the dashboard: an app instance's stdout or stderr, followed by byte offset (each
 * answer says where the next one starts), and a deployment step's log. Every read is bounded: a
 * huge log costs one window of it, never the whole file.
 */
public final class LogControllers {
    /** The most one answer reads. */
    static final int WINDOW = 256 * 1024;
    private static final int MOST_TAIL_LINES = 2000;

    private final Supervisor supervisor;
    private final Deployments deployments;

    public LogControllers(Supervisor supervisor, Deployments deployments) {
        this.supervisor = supervisor;
        this.deployments = deployments;
    }

    /**
     * GET /api/v1/apps/{name}/logs?instance=N&stream=out|err&tail=LINES or &after=OFFSET: {lines,
     * next, file}. With after, what was written since that offset (from the start again when the
     * file is now shorter: it was rotated or flushed); without it, the last lines.
     */
    Object appLog(ApiServer.Request r) throws IOException {
        String app = Names.requireListed("app", "registered with the daemon", r.param(0), supervisor.appNames());
        List<LogFiles> files = supervisor.logFiles(app);
        int instance = number(r, "instance", 0, 0, files.size() - 1);
        String stream = r.string("stream") == null ? "out" : r.string("stream");
        if (!stream.equals("out") && !stream.equals("err")) throw new IllegalArgumentException("stream must be out or err, got \"" + stream + "\"");
        LogFiles lf = files.get(instance);
        Path file = stream.equals("out") ? lf.out() : lf.err();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        Window w = r.string("after") == null ? tail(file, number(r, "tail", 200, 1, MOST_TAIL_LINES)) : from(file, number(r, "after", 0, 0, Long.MAX_VALUE));
        out.put("lines", w.lines);
        out.put("next", w.next);
        return out;
    }

    /** GET /api/v1/deployments/{id}/steps/{seq}/log: {text}, the end of the step's log (at most WINDOW bytes). */
    Object stepLog(ApiServer.Request r) throws IOException {
        long id;
        int seq;
        try {
            id = Long.parseLong(r.param(0));
            seq = Integer.parseInt(r.param(1));
        } catch (NumberFormatException e) {
            throw new ApiError(404, "NOT_FOUND", "no deployment " + r.param(0) + " step " + r.param(1));
        }
        Deployments.Step step = deployments.steps(id).stream().filter(s -> s.seq() == seq).findFirst()
                .orElseThrow(() -> new ApiError(404, "NOT_FOUND", "no step " + seq + " in deployment " + id));
        if (step.logPath() == null) return Map.of("text", "", "truncated", false);
        Window w = tail(Path.of(step.logPath()), Integer.MAX_VALUE);
        return Map.of("text", String.join("\n", w.lines), "truncated", w.truncated);
    }

    private record Window(List<String> lines, long next, boolean truncated) { }

    /** The last `lines` lines of file, from at most its last WINDOW bytes. */
    static Window tail(Path file, int lines) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long start = Math.max(0, size - WINDOW);
            byte[] data = read(ch, start, (int) (size - start));
            int from = 0;
            if (start > 0) { // a partial first line is not shown
                int nl = indexOf(data, 0);
                from = nl < 0 ? data.length : nl + 1;
            }
            List<String> all = split(data, from, data.length);
            boolean truncated = start > 0 || all.size() > lines;
            return new Window(all.size() > lines ? all.subList(all.size() - lines, all.size()) : all, size, truncated);
        } catch (NoSuchFileException e) {
            return new Window(List.of(), 0, false);
        }
    }

    /** Whole lines written since offset (at most WINDOW bytes of them); next is where they end. */
    static Window from(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset > size) offset = 0; // rotated or flushed: from its start
            byte[] data = read(ch, offset, (int) Math.min(WINDOW, size - offset));
            int end = lastIndexOf(data) + 1; // a line still being written waits for its newline
            if (end == 0 && data.length == WINDOW) end = data.length; // one line longer than the window: shown in pieces
            return new Window(split(data, 0, end), offset + end, false);
        } catch (NoSuchFileException e) {
            return new Window(List.of(), 0, false);
        }
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) break;
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private static List<String> split(byte[] data, int from, int to) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < to; i++) {
            if (data[i] == '\n') {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < to) out.add(new String(data, start, to - start, StandardCharsets.UTF_8));
        return out;
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) if (data[i] == '\n') return i;
        return -1;
    }

    private static int lastIndexOf(byte[] data) {
        for (int i = data.length - 1; i >= 0; i--) if (data[i] == '\n') return i;
        return -1;
    }

    private static long number(ApiServer.Request r, String key, long dflt, long min, long max) {
        String v = r.string(key);
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got \"" + v + "\"");
        }
    }

    private static int number(ApiServer.Request r, String key, int dflt, int min, int max) {
        return (int) number(r, key, (long) dflt, min, max);
    }
}
