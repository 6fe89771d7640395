package dev.berth.cli;

import dev.berth.files.Names;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

final class LogsCommand implements CliCommand {
    private final Spec spec = new Spec("logs", "Show the last lines of apps' logs; -f follows them.")
            .details("Following goes on across rotations and flushes. Each line is prefixed with its file",
                    "(app-instance-out or -err).")
            .positional("APP", 0, 1, "One app (default: all).")
            .flag("-f, --follow", "Keep printing new lines until interrupted.")
            .option("-n, --lines", "N", "Lines per file to show first.", "20")
            .flag("--err", "Only the error logs.")
            .flag("--out", "Only the standard output logs.");

    @Override public Spec spec() {
        return spec;
    }

    private record Source(String label, Path file) { }

    @Override public int run(Parsed args) throws Exception {
        String app = args.positional(0);
        boolean follow = args.flag("--follow");
        int lines = args.integer("--lines");
        boolean errOnly = args.flag("--err");
        boolean outOnly = args.flag("--out");
        if (lines < 0) throw new CliException(ExitCodes.USAGE, "--lines must be 0 or more");
        List<AppReply> apps = AppReply.in(CommandEnvironment.client().get("/api/v1/apps"));
        List<Source> sources = new ArrayList<>();
        boolean found = app == null;
        for (AppReply a : apps) {
            if (app != null && !app.equals(a.name())) continue;
            found = true;
            for (String f : a.logFiles()) {
                boolean err = f.endsWith("-err.log");
                boolean merged = !err && !f.endsWith("-out.log");
                if ((errOnly && !err && !merged) || (outOnly && err)) continue;
                String name = Path.of(f).getFileName().toString();
                sources.add(new Source(name.replace(".log", ""), Path.of(f)));
            }
        }
        if (!found) throw Names.unknown("app", "registered with the daemon", app, apps.stream().map(a -> String.valueOf(a.name())).toList());
        List<Tail> tails = new ArrayList<>();
        for (Source s : sources) {
            Tail t = new Tail(s);
            t.printLast(lines);
            tails.add(t);
        }
        while (follow) {
            boolean any = false;
            for (Tail t : tails) any |= t.printNew();
            if (!any) Thread.sleep(150);
        }
        return ExitCodes.OK;
    }

    /** Follows one file; starts over when it was rotated (new inode) or flushed (shorter). */
    private static final class Tail {
        final Source source;
        long offset;
        Object fileKey;
        final StringBuilder partial = new StringBuilder();

        Tail(Source source) { this.source = source; }

        void printLast(int n) throws IOException {
            if (!Files.exists(source.file())) return;
            ArrayDeque<String> last = new ArrayDeque<>();
            try (var reader = Files.newBufferedReader(source.file(), StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    last.add(line);
                    if (last.size() > n) last.removeFirst();
                }
            } catch (MalformedInputException e) {
                // binary output: show nothing rather than fail
            }
            for (String l : last) emit(l);
            offset = Files.size(source.file());
            fileKey = key();
        }

        boolean printNew() throws IOException {
            Path f = source.file();
            if (!Files.exists(f)) return false;
            Object k = key();
            long size = Files.size(f);
            if (fileKey != null && !fileKey.equals(k) || size < offset) {
                offset = 0; // rotated or flushed: read the new file from its start
                partial.setLength(0);
            }
            fileKey = k;
            if (size == offset) return false;
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
                raf.seek(offset);
                byte[] buf = new byte[(int) Math.min(size - offset, 1 << 20)];
                raf.readFully(buf);
                offset += buf.length;
                partial.append(new String(buf, StandardCharsets.UTF_8));
            }
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                emit(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
            return true;
        }

        private Object key() throws IOException {
            return Files.readAttributes(source.file(), BasicFileAttributes.class).fileKey();
        }

        private void emit(String line) {
            Output.stdout().println(source.label() + " | " + line);
        }
    }
}
