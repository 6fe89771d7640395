package dev.berth.deploy;

import dev.berth.config.DeploySpec;
import dev.berth.files.FileTrees;
import dev.berth.text.Units;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Puts a release's source on disk: the tree of one commit of a git repository (through a bare
 * mirror kept next to the releases, so that each deploy fetches only what is new), a copy of a
 * directory, or an unpacked archive. External tools (git, tar) get argument lists, never a shell
 * line, never a terminal to prompt on, and a timeout that ends them and what they started.
 */
public final class ReleaseSources {
    /**
     * What a fetch produced: for git the full 40-hex commit id and the ref that was asked for (branch,
     * tag or commit as given, or the branch/default branch used); for dir/archive both null.
     */
    public record Fetched(String commit, String ref) { }

    /**
     * The commit a git source would deploy, without touching any release: {@code ref} (or the branch,
     * or the remote default branch) resolved after updating the cache.
     */
    public record Resolved(String commit, String ref) { }

    private static final String SUPPORTED_ARCHIVES = ".tar.gz, .tgz, .zip or .jar";
    private static final int STDERR_LINES = 20;
    private static final int RANGE_LIMIT = 50;
    private static final int RECENT_LIMIT = 10;
    /** user, user:password or a token before the host of a URL */
    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** Inherited from whoever started the daemon, these would point git at some other repository. */
    private static final List<String> GIT_LOCATION_VARIABLES = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR");

    private ReleaseSources() { }

    /**
     * Puts the source's files into {@code target}, an existing (empty) directory: the commit's tree
     * for git (no .git in it), a copy of the directory, or the unpacked archive. {@code log} gets one
     * line per notable action; credentials in URLs never reach it nor any error message.
     */
    public static Fetched fetch(DeploySpec.Source source, String ref, Path cacheDir, Path target, Duration timeout, Consumer<String> log)
            throws DeployException {
        if (!Files.isDirectory(target)) throw new DeployException("the release directory " + target + " does not exist");
        switch (source) {
            case DeploySpec.GitSource git -> {
                Resolved r = resolveGit(git, ref, cacheDir, timeout, log);
                log.accept("git: writing the tree of " + abbreviate(r.commit()) + " into " + target);
                // the tree alone: a release never carries the repository or its credentials
                pipe(git(cacheDir, "archive", "--format=tar", "--end-of-options", r.commit()),
                        command("tar", "-x", "--no-same-owner", "-C", target.toString()), timeout, "git archive | tar -x",
                        "git: cannot write the tree of " + abbreviate(r.commit()) + " of " + redact(git.repository()) + " into " + target);
                return new Fetched(r.commit(), r.ref());
            }
            case DeploySpec.DirSource dir -> {
                copyDir(dir.dir(), target, log);
                return new Fetched(null, null);
            }
            case DeploySpec.ArchiveSource archive -> {
                unpack(archive.file(), target, timeout, log);
                return new Fetched(null, null);
            }
        }
    }

    /**
     * For a dry run: the commit a git deploy would fetch (the mirror is updated as by fetch); a dir or
     * archive is only checked to exist, and gets Resolved(null, null).
     */
    public static Resolved resolve(DeploySpec.Source source, String ref, Path cacheDir, Duration timeout, Consumer<String> log)
            throws DeployException {
        switch (source) {
            case DeploySpec.GitSource git -> {
                return resolveGit(git, ref, cacheDir, timeout, log);
            }
            case DeploySpec.DirSource dir -> {
                requireDirectory(dir.dir());
                return new Resolved(null, null);
            }
            case DeploySpec.ArchiveSource archive -> {
                archiveKind(archive.file());
                return new Resolved(null, null);
            }
        }
    }

    /**
     * For a dry run: {@code git log --oneline} of what going from {@code from} to {@code to} brings (at
     * most 50 lines, newest first); when {@code from} is null or unknown to the mirror, the last 10
     * commits up to {@code to}.
     */
    public static List<String> commitRange(Path cacheDir, String from, String to, Duration timeout) throws DeployException {
        if (!isMirror(cacheDir)) throw new DeployException("git: there is no mirror in " + cacheDir + " to list commits from");
        requireRevision(to, "commit");
        boolean fromKnown = from != null && !from.startsWith("-")
                && run(git(cacheDir, "cat-file", "-e", "--end-of-options", from + "^{commit}"), timeout, "git cat-file").ok();
        List<String> logCommand = fromKnown
                ? git(cacheDir, "log", "--oneline", "--no-decorate", "-n", String.valueOf(RANGE_LIMIT), "--end-of-options", from + ".." + to)
                : git(cacheDir, "log", "--oneline", "--no-decorate", "-n", String.valueOf(RECENT_LIMIT), "--end-of-options", to);
        Finished out = run(logCommand, timeout, "git log");
        if (!out.ok()) {
            throw new DeployException("git: cannot list the commits up to " + to + " in " + cacheDir + said("git", out.stderr()));
        }
        return out.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    // ---- git ----------------------------------------------------------------------------------

    private static Resolved resolveGit(DeploySpec.GitSource git, String ref, Path mirror, Duration timeout, Consumer<String> log)
            throws DeployException {
        String repository = git.repository();
        if (repository == null || repository.isBlank() || repository.startsWith("-")) {
            throw new DeployException("git: \"" + redact(String.valueOf(repository)) + "\" is not a repository URL or path");
        }
        if (ref != null) requireRevision(ref, "ref");
        if (git.branch() != null) requireRevision(git.branch(), "branch");
        updateMirror(repository, mirror, timeout, log);

        String shown = redact(repository);
        String name;
        String revision;
        String notFound;
        if (ref != null) {
            name = ref;
            revision = ref + "^{commit}";
            notFound = "git: ref \"" + ref + "\" not found in " + shown + " (neither a branch, a tag nor a commit id)";
        } else if (git.branch() != null) {
            name = git.branch();
            // refs/heads/ so that a tag of the same name is not taken for the branch
            revision = "refs/heads/" + git.branch() + "^{commit}";
            notFound = "git: branch \"" + git.branch() + "\" not found in " + shown;
        } else {
            Finished head = run(git(mirror, "symbolic-ref", "--short", "HEAD"), timeout, "git symbolic-ref");
            name = head.ok() ? head.stdout().strip() : "HEAD";
            revision = "HEAD^{commit}";
            // the mirror's HEAD is the remote's default branch as of the first clone
            notFound = "git: the default branch \"" + name + "\" of " + shown + " has no commit"
                    + " (set deploy.branch in berth.yml, or pass --ref)";
        }
        Finished parsed = run(verifyArgv(mirror, revision), timeout, "git rev-parse");
        String commit = parsed.stdout().strip();
        if (!parsed.ok() || !OBJECT_ID.matcher(commit).matches()) {
            throw new DeployException(notFound + said("git", parsed.stderr()) + branchesHint(mirror, timeout));
        }
        log.accept("git: commit " + abbreviate(commit) + " (" + name + ")");
        return new Resolved(commit, name);
    }

    /** Clones the mirror the first time, later fetches what is new (and drops branches gone upstream). */
    private static void updateMirror(String repository, Path mirror, Duration timeout, Consumer<String> log) throws DeployException {
        String shown = redact(repository);
        if (isMirror(mirror)) {
            Finished url = run(git(mirror, "config", "--get", "remote.origin.url"), timeout, "git config");
            if (!url.stdout().strip().equals(repository)) {
                // berth.yml now names another repository: follow it rather than deploy the old one
                log.accept("git: the repository is now " + shown + "; pointing the mirror at it");
                Finished set = run(setUrlArgv(mirror, repository), timeout, "git config");
                if (!set.ok()) {
                    throw new DeployException("git: cannot point the mirror " + mirror + " at " + shown + said("git", set.stderr()));
                }
            }
            log.accept("git: updating mirror of " + shown);
            Finished update = run(git(mirror, "remote", "update", "--prune"), timeout, "git remote update");
            if (!update.ok()) {
                throw new DeployException("git: cannot update the mirror of " + shown + " in " + mirror + said("git", update.stderr()));
            }
            return;
        }
        if (Files.exists(mirror, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(mirror)) {
            throw new DeployException("git: " + mirror + " exists but is not a git mirror; remove it and the next deploy clones "
                    + shown + " again");
        }
        // cloned beside and moved into place, so that an interrupted clone never passes for a mirror
        Path partial = mirror.resolveSibling(mirror.getFileName() + ".partial");
        try {
            FileTrees.delete(partial);
            if (Files.isDirectory(mirror, LinkOption.NOFOLLOW_LINKS)) Files.delete(mirror);
            Files.createDirectories(mirror.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DeployException("git: cannot prepare " + mirror + " for the mirror: " + reason(e), e);
        }
        log.accept("git: cloning a mirror of " + shown);
        Finished clone;
        try {
            clone = run(command("git", "clone", "--mirror", "--", repository, partial.toString()), timeout, "git clone --mirror " + shown);
        } catch (DeployException e) {
            deleteQuietly(partial);
            throw e;
        }
        if (!clone.ok()) {
            deleteQuietly(partial);
            throw new DeployException("git: cannot clone " + shown + said("git", clone.stderr()));
        }
        try {
            Files.move(partial, mirror, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new DeployException("git: cannot move the new mirror into " + mirror + ": " + reason(e), e);
        }
    }

    private static boolean isMirror(Path dir) {
        return Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
    }

    /** A name starting with "-" would reach git as an option. */
    private static void requireRevision(String name, String what) throws DeployException {
        if (name == null || name.isBlank() || name.startsWith("-") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new DeployException("git: \"" + name + "\" is not a valid " + what);
        }
    }

    /** "; its branches: main, next" helps with a typo; nothing when even that cannot be read. */
    private static String branchesHint(Path mirror, Duration timeout) {
        try {
            Finished refs = run(git(mirror, "for-each-ref", "--count=20", "--format=%(refname:short)", "refs/heads"), timeout,
                    "git for-each-ref");
            List<String> branches = refs.stdout().lines().filter(l -> !l.isBlank()).toList();
            return refs.ok() && !branches.isEmpty() ? "; its branches: " + String.join(", ", branches) : "";
        } catch (DeployException e) {
            return "";
        }
    }

    // Values that come from the user (a --ref, a branch, a repository) go after --end-of-options, or -- where
    // git takes no revisions, so that none is read as an option whatever it is.

    static List<String> verifyArgv(Path mirror, String revision) {
        return git(mirror, "rev-parse", "--verify", "--end-of-options", revision);
    }

    static List<String> setUrlArgv(Path mirror, String repository) {
        return git(mirror, "config", "--", "remote.origin.url", repository);
    }

    private static List<String> git(Path gitDir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        Collections.addAll(argv, args);
        return argv;
    }

    private static List<String> command(String... argv) {
        return List.of(argv);
    }

    private static String abbreviate(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }

    /** https://user:secret@host/x.git -> https://host/x.git, in anything shown to the user. */
    static String redact(String text) {
        return USERINFO.matcher(text).replaceAll("");
    }

    // ---- dir ----------------------------------------------------------------------------------

    private static void copyDir(Path source, Path target, Consumer<String> log) throws DeployException {
        requireDirectory(source);
        try {
            Path from = source.toRealPath();
            Path to = target.toRealPath();
            if (to.startsWith(from)) {
                throw new DeployException("dir: the release directory " + target + " is inside the source " + source
                        + "; the copy would copy itself (move deploy.path out of it)");
            }
            log.accept("dir: copying " + source);
            List<Path> skipped = new ArrayList<>();
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (dir.equals(from)) return FileVisitResult.CONTINUE;
                    if (dir.equals(from.resolve(".git"))) return FileVisitResult.SKIP_SUBTREE;
                    Files.createDirectory(to.resolve(from.relativize(dir)));
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path copy = to.resolve(from.relativize(file));
                    if (file.equals(from.resolve(".git"))) return FileVisitResult.CONTINUE; // a worktree's .git file
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
                    } else if (attrs.isRegularFile()) {
                        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    } else {
                        skipped.add(from.relativize(file)); // a fifo or socket would block or fail the copy
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) throw e;
                    // after the contents, so that a read-only directory is still filled first
                    if (!dir.equals(from)) {
                        Files.setPosixFilePermissions(to.resolve(from.relativize(dir)),
                                Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            if (!skipped.isEmpty()) log.accept("dir: skipped " + skipped.size() + " special file(s), e.g. " + skipped.get(0));
        } catch (IOException e) {
            throw new DeployException("dir: cannot copy " + source + " into " + target + ": " + reason(e), e);
        }
    }

    private static void requireDirectory(Path dir) throws DeployException {
        if (!Files.isDirectory(dir)) {
            throw new DeployException("dir: " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
    }

    // ---- archives -----------------------------------------------------------------------------

    private enum ArchiveKind { TAR_GZ, ZIP, JAR }

    private static ArchiveKind archiveKind(Path file) throws DeployException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ArchiveKind kind;
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            kind = ArchiveKind.TAR_GZ;
        } else if (name.endsWith(".zip")) {
            kind = ArchiveKind.ZIP;
        } else if (name.endsWith(".jar")) {
            kind = ArchiveKind.JAR;
        } else {
            throw new DeployException("archive: " + file + " is not a supported archive: expected a " + SUPPORTED_ARCHIVES + " file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DeployException("archive: " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        return kind;
    }

    private static void unpack(Path file, Path target, Duration timeout, Consumer<String> log) throws DeployException {
        switch (archiveKind(file)) {
            case TAR_GZ -> {
                log.accept("archive: unpacking " + file);
                Finished tar = run(command("tar", "-xzf", file.toString(), "--no-same-owner", "-C", target.toString()), timeout,
                        "tar -xzf " + file.getFileName());
                if (!tar.ok()) {
                    throw new DeployException("archive: cannot unpack " + file + " (tar exited " + tar.exitCode() + ")"
                            + said("tar", tar.stderr()));
                }
            }
            case ZIP -> {
                log.accept("archive: unpacking " + file);
                unzip(file, target, log);
            }
            case JAR -> {
                log.accept("archive: copying " + file.getFileName());
                try {
                    Files.copy(file, target.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new DeployException("archive: cannot copy " + file + " into " + target + ": " + reason(e), e);
                }
            }
        }
    }

    private static void unzip(Path file, Path target, Consumer<String> log) throws DeployException {
        Path root = target.toAbsolutePath().normalize();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            // every entry is checked before the first is written, so a refused archive leaves nothing behind
            Map<ZipEntry, Path> places = new LinkedHashMap<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                Path place;
                try {
                    place = root.resolve(entry.getName()).normalize();
                } catch (InvalidPathException e) {
                    throw new DeployException("archive: " + file + " has an entry with an impossible name \"" + entry.getName() + "\"");
                }
                if (!place.startsWith(root) || (place.equals(root) && !entry.isDirectory())) {
                    throw new DeployException("archive: " + file + " is refused: its entry \"" + entry.getName()
                            + "\" would be written outside the release directory (zip-slip)");
                }
                places.put(entry, place);
            }
            Map<String, Integer> modes = unixModes(file);
            Map<Path, Set<PosixFilePermission>> directoryModes = new HashMap<>();
            int symlinks = 0;
            for (Map.Entry<ZipEntry, Path> e : places.entrySet()) {
                ZipEntry entry = e.getKey();
                Path place = e.getValue();
                Integer mode = modes.get(entry.getName());
                if (mode != null && (mode & 0170000) == 0120000) {
                    // a link made from the archive could point the next entries outside the release
                    symlinks++;
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(place);
                    if (permissions(mode) != null) directoryModes.put(place, permissions(mode));
                    continue;
                }
                Files.createDirectories(place.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, place, StandardCopyOption.REPLACE_EXISTING);
                }
                if (permissions(mode) != null) Files.setPosixFilePermissions(place, permissions(mode));
            }
            for (Map.Entry<Path, Set<PosixFilePermission>> d : directoryModes.entrySet()) {
                Files.setPosixFilePermissions(d.getKey(), d.getValue());
            }
            if (symlinks > 0) log.accept("archive: skipped " + symlinks + " symbolic link(s) in the zip (a .tar.gz keeps them)");
        } catch (ZipException e) {
            throw new DeployException("archive: " + file + " is not a readable zip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeployException("archive: cannot unpack " + file + " into " + target + ": " + reason(e), e);
        }
    }

    /** Permission bits of a zip entry's unix mode, or null when it holds none worth keeping. */
    private static Set<PosixFilePermission> permissions(Integer mode) {
        // an owner who cannot read is what a zip tool that stores no mode leaves: keep the default then
        if (mode == null || (mode & 0400) == 0) return null;
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) set.add(bits[i]);
        }
        return set;
    }

    /**
     * The unix modes that zip tools on unix keep in the central directory (java.util.zip does not
     * expose them), by entry name. Best effort: empty for a zip64 or an odd archive, whose files then
     * get the default permissions.
     */
    private static Map<String, Integer> unixModes(Path file) {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            int tailLength = (int) Math.min(size, 22 + 0xFFFF);
            ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, tail, size - tailLength);
            int end = -1;
            for (int i = tailLength - 22; i >= 0; i--) {
                if (tail.getInt(i) == 0x06054b50) {
                    end = i;
                    break;
                }
            }
            if (end < 0) return Map.of();
            long directorySize = Integer.toUnsignedLong(tail.getInt(end + 12));
            long directoryOffset = Integer.toUnsignedLong(tail.getInt(end + 16));
            if (directorySize == 0xFFFFFFFFL || directoryOffset == 0xFFFFFFFFL || directoryOffset + directorySize > size
                    || directorySize > Integer.MAX_VALUE) {
                return Map.of();
            }
            ByteBuffer dir = ByteBuffer.allocate((int) directorySize).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, dir, directoryOffset);
            Map<String, Integer> modes = new HashMap<>();
            for (int at = 0; at + 46 <= directorySize && dir.getInt(at) == 0x02014b50; ) {
                int madeBy = Short.toUnsignedInt(dir.getShort(at + 4)) >> 8;
                int nameLength = Short.toUnsignedInt(dir.getShort(at + 28));
                int extraLength = Short.toUnsignedInt(dir.getShort(at + 30));
                int commentLength = Short.toUnsignedInt(dir.getShort(at + 32));
                int external = dir.getInt(at + 38);
                if (at + 46 + nameLength > directorySize) break;
                if (madeBy == 3) { // unix
                    byte[] name = new byte[nameLength];
                    dir.get(at + 46, name);
                    modes.put(new String(name, StandardCharsets.UTF_8), external >>> 16);
                }
                at += 46 + nameLength + extraLength + commentLength;
            }
            return modes;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into, position + into.position()) < 0) throw new IOException("unexpected end of file");
        }
    }

    // ---- running tools ------------------------------------------------------------------------

    private record Finished(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private static ProcessBuilder builder(List<String> argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        GIT_LOCATION_VARIABLES.forEach(env::remove);
        env.put("GIT_TERMINAL_PROMPT", "0"); // a missing credential fails at once instead of waiting for a password
        env.put("GIT_ASKPASS", "true");      // nor does a desktop's askpass program pop up
        env.put("LC_ALL", "C");              // messages as in git's documentation, whatever the daemon's locale
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** Runs one command to its end; what it said comes back, a failure to start or a timeout throws. */
    private static Finished run(List<String> argv, Duration timeout, String what) throws DeployException {
        Process p = start(List.of(builder(argv)), what).get(0);
        Drain out = new Drain(p.getInputStream(), false);
        Drain err = new Drain(p.getErrorStream(), true);
        await(List.of(p), timeout, what);
        return new Finished(p.exitValue(), out.text(), err.text());
    }

    /** producer | consumer, with each one's stderr kept for the error message. */
    private static void pipe(List<String> producer, List<String> consumer, Duration timeout, String what, String failure)
            throws DeployException {
        ProcessBuilder first = builder(producer);
        ProcessBuilder second = builder(consumer).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        List<Process> ps = start(List.of(first, second), what);
        Drain producerErr = new Drain(ps.get(0).getErrorStream(), true);
        Drain consumerErr = new Drain(ps.get(1).getErrorStream(), true);
        await(ps, timeout, what);
        int producerExit = ps.get(0).exitValue();
        int consumerExit = ps.get(1).exitValue();
        if (producerExit == 0 && consumerExit == 0) return;
        StringBuilder message = new StringBuilder(failure);
        if (producerExit != 0) message.append(exited(producer.get(0), producerExit, producerErr.text()));
        if (consumerExit != 0) message.append(exited(consumer.get(0), consumerExit, consumerErr.text()));
        throw new DeployException(message.toString());
    }

    private static String exited(String tool, int exitCode, String stderr) {
        return "; " + tool + " exited " + exitCode + said(tool, stderr);
    }

    private static List<Process> start(List<ProcessBuilder> builders, String what) throws DeployException {
        try {
            return builders.size() == 1 ? List.of(builders.get(0).start()) : ProcessBuilder.startPipeline(builders);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            for (ProcessBuilder b : builders) {
                String program = b.command().get(0);
                if (message.contains("\"" + program + "\"") && (message.contains("error=2,") || message.contains("No such file"))) {
                    throw new DeployException(program + " is not installed (no \"" + program + "\" program on the PATH of the"
                            + " berth daemon), and " + redact(what) + " needs it: install it, e.g. `apt-get install " + program + "`", e);
                }
            }
            throw new DeployException("cannot run " + redact(what) + ": " + redact(message), e);
        }
    }

    /** Waits for all, together within one timeout; on expiry ends them and what they started. */
    private static void await(List<Process> ps, Duration timeout, String what) throws DeployException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Process p : ps) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    stop(ps);
                    throw new DeployException(redact(what) + " timed out after " + Units.duration(timeout) + " and was stopped");
                }
            }
        } catch (InterruptedException e) {
            stop(ps);
            Thread.currentThread().interrupt();
            throw new DeployException(redact(what) + " was interrupted", e);
        }
    }

    /** TERM (git clone cleans up on it), then KILL; children first looked up, since git runs helpers (ssh, remote-https). */
    private static void stop(List<Process> ps) {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : ps) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        // only our own children are waited for: an orphaned helper stays a zombie until init reaps it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            for (Process p : ps) p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // KILL what is left at once
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Reads a stream on its own thread, so that a chatty tool never blocks on a full pipe. */
    private static final class Drain {
        private final Thread thread;
        private final boolean tailOnly;
        private final ArrayDeque<String> lines = new ArrayDeque<>();

        Drain(InputStream in, boolean tailOnly) {
            this.tailOnly = tailOnly;
            this.thread = Thread.ofPlatform().daemon().name("berth-tool-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) add(line);
                } catch (IOException | UncheckedIOException e) {
                    // the process is gone: what was read is all there is
                }
            });
        }

        private synchronized void add(String line) {
            lines.addLast(line);
            if (tailOnly && lines.size() > STDERR_LINES) lines.removeFirst();
        }

        /** A helper that outlives the tool may hold the pipe open: wait a little, not forever. */
        String text() {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                return String.join("\n", lines);
            }
        }
    }

    /** " (git said: ...)" with the tool's last lines, credentials removed; empty when it said nothing. */
    private static String said(String tool, String stderr) {
        String text = redact(stderr).strip();
        return text.isEmpty() ? "" : " (" + tool + " said: " + text + ")";
    }

    private static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case NoSuchFileException n -> "no such file: " + n.getFile();
            case FileAlreadyExistsException f -> "already exists: " + f.getFile();
            default -> String.valueOf(e.getMessage());
        };
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }


    private static void deleteQuietly(Path p) {
        try {
            FileTrees.delete(p);
        } catch (IOException e) {
            // the next clone removes it first
        }
    }
}
