package dev.berth.deploy;

import dev.berth.config.DeploySpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Puts a release's source on disk: the tree of one commit of a git repository (through a bare
 * mirror kept next to the releases, so each deploy fetches only what is new), a copy of a
 * directory, or an unpacked archive. External tools (git, tar) get argument lists, never a
 * shell line, and never a terminal to prompt on.
 */
public final class ReleaseSources {
    /** What a fetch produced: for git the full commit id and the ref used; for dir/archive both null. */
    public record Fetched(String commit, String ref) { }

    /** The commit a git source would deploy. */
    public record Resolved(String commit, String ref) { }

    private ReleaseSources() { }

    public static Fetched fetch(DeploySpec.Source source, String ref, Path cacheDir, Path target, Duration timeout, Consumer<String> log)
            throws DeployException {
        switch (source) {
            case DeploySpec.GitSource g -> {
                Resolved r = resolve(g, ref, cacheDir, timeout, log);
                log.accept("git: writing the tree of " + r.commit().substring(0, 12) + " (" + r.ref() + ") into " + target);
                // git archive | tar -x: the release is the commit's tree, with no .git in it
                List<ProcessBuilder> pipeline = List.of(
                        git(cacheDir, "archive", "--format=tar", r.commit()).redirectError(ProcessBuilder.Redirect.DISCARD),
                        new ProcessBuilder("tar", "-x", "-C", target.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD));
                runPipeline(pipeline, timeout, "git archive " + r.commit().substring(0, 12) + " | tar -x");
                return new Fetched(r.commit(), r.ref());
            }
            case DeploySpec.DirSource d -> {
                if (!Files.isDirectory(d.dir())) throw new DeployException("dir source " + d.dir() + " is not a directory");
                log.accept("dir: copying " + d.dir());
                try {
                    copyTree(d.dir(), target);
                } catch (IOException e) {
                    throw new DeployException("cannot copy " + d.dir() + " into " + target + ": " + e.getMessage(), e);
                }
                return new Fetched(null, null);
            }
            case DeploySpec.ArchiveSource a -> {
                unpack(a.file(), target, timeout, log);
                return new Fetched(null, null);
            }
        }
    }

    public static Resolved resolve(DeploySpec.Source source, String ref, Path cacheDir, Duration timeout, Consumer<String> log)
            throws DeployException {
        if (source instanceof DeploySpec.DirSource d) {
            if (!Files.isDirectory(d.dir())) throw new DeployException("dir source " + d.dir() + " is not a directory");
            return new Resolved(null, null);
        }
        if (source instanceof DeploySpec.ArchiveSource a) {
            if (!Files.isRegularFile(a.file())) throw new DeployException("archive " + a.file() + " does not exist");
            return new Resolved(null, null);
        }
        DeploySpec.GitSource g = (DeploySpec.GitSource) source;
        updateMirror(g, cacheDir, timeout, log);
        String wanted = ref != null ? ref : g.branch();
        if (wanted == null) {
            wanted = run(git(cacheDir, "symbolic-ref", "--short", "HEAD"), timeout, "git symbolic-ref HEAD").strip();
        }
        String commit;
        try {
            commit = run(git(cacheDir, "rev-parse", "--verify", "--quiet", wanted + "^{commit}"), timeout, "git rev-parse " + wanted).strip();
        } catch (DeployException e) {
            throw new DeployException("git: " + (ref != null ? "ref" : "branch") + " \"" + wanted + "\" not found in " + redact(g.repository())
                    + " (a branch, tag or commit id is expected)");
        }
        log.accept("git: commit " + commit.substring(0, 12) + " (" + wanted + ")");
        return new Resolved(commit, wanted);
    }

    public static List<String> commitRange(Path cacheDir, String from, String to, Duration timeout) throws DeployException {
        if (to == null || !Files.isDirectory(cacheDir)) return List.of();
        boolean known = from != null && runOk(git(cacheDir, "cat-file", "-e", from + "^{commit}"), timeout);
        List<String> args = new ArrayList<>(List.of("log", "--oneline", "--no-decorate"));
        if (known) {
            args.addAll(List.of("-n", "50", from + ".." + to));
        } else {
            args.addAll(List.of("-n", "10", to));
        }
        String out = run(git(cacheDir, args.toArray(String[]::new)), timeout, "git log");
        return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\n"));
    }

    // ---- git ------------------------------------------------------------------------------

    private static void updateMirror(DeploySpec.GitSource g, Path cacheDir, Duration timeout, Consumer<String> log) throws DeployException {
        if (Files.isDirectory(cacheDir.resolve("objects"))) {
            log.accept("git: updating the mirror of " + redact(g.repository()));
            run(git(cacheDir, "remote", "update", "--prune"), timeout, "git remote update");
            return;
        }
        log.accept("git: cloning a mirror of " + redact(g.repository()));
        try {
            Files.createDirectories(cacheDir.getParent());
        } catch (IOException e) {
            throw new DeployException("cannot create " + cacheDir.getParent() + ": " + e.getMessage(), e);
        }
        Path partial = cacheDir.resolveSibling(cacheDir.getFileName() + ".partial");
        try {
            Deployer.deleteTree(partial);
        } catch (IOException e) {
            throw new DeployException("cannot remove " + partial + ": " + e.getMessage(), e);
        }
        run(env(new ProcessBuilder("git", "clone", "--mirror", "--quiet", g.repository(), partial.toString())), timeout,
                "git clone --mirror " + redact(g.repository()));
        try {
            Files.move(partial, cacheDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DeployException("cannot move the new mirror into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private static ProcessBuilder git(Path gitDir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        argv.addAll(Arrays.asList(args));
        return env(new ProcessBuilder(argv));
    }

    private static ProcessBuilder env(ProcessBuilder pb) {
        pb.environment().put("GIT_TERMINAL_PROMPT", "0"); // a missing credential fails, it never waits for a password
        pb.environment().put("GIT_ASKPASS", "true");
        pb.environment().put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** https://user:secret@host/x.git -> https://***@host/x.git */
    static String redact(String url) {
        return url.replaceFirst("(?<=://)[^/@]+@", "***@");
    }

    // ---- running tools --------------------------------------------------------------------

    /** Runs a tool, returns its stdout; a failure carries the tool's own stderr. */
    private static String run(ProcessBuilder pb, Duration timeout, String what) throws DeployException {
        Path err = null;
        try {
            err = Files.createTempFile("berth-tool", ".err");
            pb.redirectError(err.toFile());
            Process p = start(pb, what);
            // stdout is small for the commands read here (rev-parse, log -n 50, symbolic-ref)
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DeployException(what + " did not finish within " + timeout.toSeconds() + "s");
            }
            if (p.exitValue() != 0) {
                throw new DeployException(what + " failed (exit " + p.exitValue() + ")" + said(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeployException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(what + ": interrupted", e);
        } finally {
            if (err != null) err.toFile().delete();
        }
    }

    private static boolean runOk(ProcessBuilder pb, Duration timeout) {
        try {
            run(pb.redirectOutput(ProcessBuilder.Redirect.DISCARD), timeout, "git");
            return true;
        } catch (DeployException e) {
            return false;
        }
    }

    private static void runPipeline(List<ProcessBuilder> builders, Duration timeout, String what) throws DeployException {
        Path err = null;
        List<Process> ps = List.of();
        try {
            err = Files.createTempFile("berth-tool", ".err");
            builders.get(builders.size() - 1).redirectError(err.toFile());
            try {
                ps = ProcessBuilder.startPipeline(builders);
            } catch (IOException e) {
                throw missingTool(e, what);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Process p : ps) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                    ps.forEach(Process::destroyForcibly);
                    throw new DeployException(what + " did not finish within " + timeout.toSeconds() + "s");
                }
            }
            for (Process p : ps) {
                if (p.exitValue() != 0) throw new DeployException(what + " failed (exit " + p.exitValue() + ")" + said(err));
            }
        } catch (IOException e) {
            throw new DeployException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            ps.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
            throw new DeployException(what + ": interrupted", e);
        } finally {
            if (err != null) err.toFile().delete();
        }
    }

    private static Process start(ProcessBuilder pb, String what) throws DeployException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw missingTool(e, what);
        }
    }

    private static DeployException missingTool(IOException e, String what) {
        String tool = what.split(" ")[0];
        return new DeployException(what + ": cannot run " + tool + " (" + e.getMessage() + "); install it, e.g. apt-get install " + tool, e);
    }

    private static String said(Path err) {
        try {
            List<String> lines = Files.readAllLines(err);
            if (lines.isEmpty()) return "";
            return " (it said: " + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())).strip() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    // ---- dir and archive -------------------------------------------------------------------

    /** Copies a tree keeping permissions and symbolic links as links; a top-level .git stays behind. */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(from.resolve(".git"))) return FileVisitResult.SKIP_SUBTREE;
                Path t = to.resolve(from.relativize(dir).toString());
                if (!Files.exists(t)) Files.createDirectories(t);
                Files.setPosixFilePermissions(t, Files.getPosixFilePermissions(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path t = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(t, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void unpack(Path file, Path target, Duration timeout, Consumer<String> log) throws DeployException {
        if (!Files.isRegularFile(file)) throw new DeployException("archive " + file + " does not exist");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            log.accept("archive: unpacking " + file + " with tar");
            run(new ProcessBuilder("tar", "-xzf", file.toString(), "-C", target.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD),
                    timeout, "tar -xzf " + file.getFileName());
        } else if (name.endsWith(".zip")) {
            log.accept("archive: unpacking " + file);
            unzip(file, target);
        } else if (name.endsWith(".jar")) {
            log.accept("archive: copying " + file.getFileName());
            try {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new DeployException("cannot copy " + file + ": " + e.getMessage(), e);
            }
        } else {
            throw new DeployException("archive " + file + ": expected .tar.gz, .tgz, .zip or .jar");
        }
    }

    private static void unzip(Path file, Path target) throws DeployException {
        Path root = target.toAbsolutePath().normalize();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new DeployException("archive " + file + ": entry \"" + e.getName() + "\" points outside the release; refusing it");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new DeployException("cannot unpack " + file + ": " + e.getMessage(), e);
        }
    }
}
