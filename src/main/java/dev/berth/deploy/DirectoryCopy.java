package dev.berth.deploy;

import static dev.berth.deploy.SourceTools.reason;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A dir source: a copy of a directory (modes and symbolic links kept, its top-level .git left out). */
final class DirectoryCopy {
    private DirectoryCopy() { }

    static void copy(Path source, Path target, Consumer<String> log) throws DeployException {
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

    static void requireDirectory(Path dir) throws DeployException {
        if (!Files.isDirectory(dir)) {
            throw new DeployException("dir: " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
    }
}
