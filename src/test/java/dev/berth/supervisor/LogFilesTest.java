package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
    @TempDir Path dir;

    @Test void truncateEmptiesTheFilesThereAreAndSaysWhich() throws Exception {
        Path out = Files.writeString(dir.resolve("web-0-out.log"), "hello\n");
        Path err = dir.resolve("web-0-err.log"); // never written
        assertEquals(List.of(out), new LogFiles(out, err).truncate());
        assertEquals(0, Files.size(out));
        assertFalse(Files.exists(err), "a missing file is not made");
    }

    @Test void aMergedFileIsTruncatedOnce() throws Exception {
        Path merged = Files.writeString(dir.resolve("web-0.log"), "both\n");
        assertEquals(List.of(merged), new LogFiles(merged, merged).truncate());
        assertEquals(0, Files.size(merged));
    }
}
