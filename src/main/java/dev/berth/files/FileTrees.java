package dev.berth.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removing a file or a directory tree, the one way Berth does it: symbolic links are removed, never followed. */
public final class FileTrees {
    private FileTrees() { }

    /** Removes p (a file, a link or a directory with everything in it); nothing when it does not exist. */
    public static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** delete, for leftovers in temporary places: a failure leaves them for the system to clear. */
    public static void deleteQuietly(Path p) {
        try {
            delete(p);
        } catch (IOException ignored) {
            // a scratch leftover
        }
    }
}
