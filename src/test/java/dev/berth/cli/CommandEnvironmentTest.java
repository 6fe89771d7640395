package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandEnvironmentTest {
    @TempDir Path dir;

    /** The CLI reads berth.yml for the ${VAR} it names before the daemon loads it; a 2 GiB file ended in OutOfMemoryError. */
    @Test void aBerthYmlTooLargeToReadNamesNoVariablesAndIsLeftToTheLoader() throws Exception {
        Path file = dir.resolve("berth.yml");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((2L << 30) + 5); // sparse
        }
        assertEquals(Map.of(), CommandEnvironment.referencedVariables(file));
        Files.writeString(file, "apps: {web: {run: \"echo ${PATH}\"}}\n");
        assertEquals(Map.of("PATH", System.getenv("PATH")), CommandEnvironment.referencedVariables(file));
    }
}
