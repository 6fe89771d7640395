package dev.berth.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one atomic write: the old content or the new, the mode asked for, no temporary left behind. */
class PrivateFilesTest {
    @TempDir Path dir;

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }

    @Test void writeAtomicallyReplacesWithThePrivateModeAndLeavesNoTemporary() throws Exception {
        Path f = dir.resolve("state.json");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        PrivateFiles.writeAtomically(f, bytes("new"));
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(1, entries());
    }

    @Test void writeAtomicallyTakesAnotherModeWhenAsked() throws Exception {
        Path f = dir.resolve("berth.yml");
        PrivateFiles.writeAtomically(f, bytes("apps: {}\n"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test void writeNewNeverReplaces() throws Exception {
        Path key = dir.resolve("key");
        assertTrue(PrivateFiles.writeNew(key, bytes("first")));
        assertFalse(PrivateFiles.writeNew(key, bytes("second")), "the one made first stays");
        assertArrayEquals(bytes("first"), Files.readAllBytes(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(1, entries());
    }

    @Test void aSymbolicLinkIsRepointedInOneStep() throws Exception {
        Files.createDirectories(dir.resolve("releases/a"));
        Files.createDirectories(dir.resolve("releases/b"));
        Path current = dir.resolve("current");
        PrivateFiles.replaceSymbolicLink(current, Path.of("releases", "a"));
        Files.createSymbolicLink(dir.resolve(".current.new"), Path.of("releases", "a")); // what a killed switch left
        PrivateFiles.replaceSymbolicLink(current, Path.of("releases", "b"));
        assertEquals(Path.of("releases", "b"), Files.readSymbolicLink(current));
        assertTrue(Files.isSymbolicLink(current));
        assertEquals(2, entries(), "releases and current, no temporary link (a leftover one is replaced)");
    }

    @Test void moveAtomicallyReplacesAFileAndMovesADirectory() throws Exception {
        Path from = dir.resolve("a.partial");
        Files.writeString(from, "archive");
        Path to = dir.resolve("a");
        Files.writeString(to, "older");
        PrivateFiles.moveAtomically(from, to);
        assertEquals("archive", Files.readString(to));
        assertFalse(Files.exists(from, LinkOption.NOFOLLOW_LINKS));
        Path tree = Files.createDirectories(dir.resolve("tree.new"));
        Files.writeString(tree.resolve("x"), "1");
        PrivateFiles.moveAtomically(tree, dir.resolve("tree"));
        assertEquals("1", Files.readString(dir.resolve("tree/x")));
    }
}
