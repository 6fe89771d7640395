package dev.berth.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * How Berth creates what it keeps (under BERTH_HOME: logs, step logs, recorded configuration,
 * archives, the state): directories 0700, files 0600, whatever the umask. The mode is given when
 * a file or directory is created (a umask only takes bits away), never set after, so there is no
 * moment when another user could open it. Step logs echo secrets, archives are databases.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() { }

    private static FileAttribute<Set<PosixFilePermission>> directoryMode() {
        return PosixFilePermissions.asFileAttribute(DIRECTORY);
    }

    private static FileAttribute<Set<PosixFilePermission>> fileMode() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    /** dir and each missing parent, created 0700 (those that exist keep their mode). */
    public static Path directories(Path dir) throws IOException {
        return Files.createDirectories(dir, directoryMode());
    }

    /**
     * Creates file 0600 (and its directory 0700) when it does not exist, for whoever opens it next:
     * a redirect of a child's output, or another process (berth-logd, SQLite) that appends to it.
     */
    public static Path file(Path file) throws IOException {
        if (file.getParent() != null) directories(file.getParent());
        try {
            Files.createFile(file, fileMode());
        } catch (FileAlreadyExistsException existing) {
            // appended to as it is
        }
        return file;
    }

    /** FileChannel.open, with 0600 for a file it creates. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), fileMode());
    }

    /**
     * A file that must never be half-written: a 0600 temporary name beside it, synced, renamed
     * over it, and the directory synced (a kill or a power cut leaves the old content or the new).
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, content, FILE);
    }

    /** writeAtomically with another mode: a file made for the user (an imported berth.yml, 0644). */
    public static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path tmp = temporaryBeside(target);
        try {
            writeSynced(tmp, content, mode);
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Like writeAtomically, but only when target does not exist yet: returns false, and leaves
     * what is there, when another process made it first (a key two daemons create at once).
     */
    public static boolean writeNew(Path target, byte[] content) throws IOException {
        Path tmp = temporaryBeside(target);
        try {
            writeSynced(tmp, content, FILE);
            try {
                Files.createLink(target, tmp); // link(2) fails when target exists: no replacing
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
            syncDirectory(target.getParent());
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * rename(2) of from onto to (a file, a directory or a symbolic link, replacing what is there),
     * then a sync of the directory so that the new name survives a power cut.
     */
    public static void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(to.toAbsolutePath().getParent());
    }

    /**
     * Points link at target in one step: a new link beside it, renamed over the old one. The new
     * link has one fixed name, so what a killed switch left is replaced by the next one; callers
     * serialise their switches (the deploy lock).
     */
    public static void replaceSymbolicLink(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling("." + link.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        try {
            moveAtomically(tmp, link);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** fsync of a directory, so that a rename or a new name in it is durable. */
    public static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    private static Path temporaryBeside(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    }

    private static void writeSynced(Path tmp, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(mode))) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
    }

    public static void write(Path file, byte[] content) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) ch.write(b);
        }
    }

    public static void append(Path file, CharSequence text) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
            while (b.hasRemaining()) ch.write(b);
        }
    }

    /**
     * Takes the group and other bits off everything under root (symbolic links are neither
     * followed nor changed): what an older Berth made with the umask's mode. Returns how many it changed.
     */
    public static int tighten(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) return 0;
        int[] changed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                tightenOne(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isSymbolicLink()) tightenOne(file);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // gone meanwhile (a log rotated away)
            }

            private void tightenOne(Path p) throws IOException {
                Set<PosixFilePermission> perms;
                try {
                    perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    return;
                }
                Set<PosixFilePermission> own = new HashSet<>(perms);
                own.removeIf(x -> !x.name().startsWith("OWNER"));
                if (own.size() == perms.size()) return;
                Files.setPosixFilePermissions(p, own);
                changed[0]++;
            }
        });
        return changed[0];
    }
}
