package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs that used to crash the loader (StackOverflowError), hang it or fill the heap: each is a problem
 * with its place, found within a second. One row per input: what it is -> the problem it must produce.
 */
class InputLimitsTest {
    @TempDir Path dir;

    static Stream<Arguments> inputs() {
        return Stream.of(
                row("10,000 levels of {a: ", "apps: " + "{a: ".repeat(10_000), "berth.yml:1:203: nested more than 50 levels deep"),
                row("1,000 levels of block mappings", blockMappings(1_000), "berth.yml:51:51: nested more than 50 levels deep"),
                row("2,000 levels of block lists", "apps:\n  - " + "- ".repeat(2_000) + "x\n", "berth.yml:2:101: nested more than 50 levels deep"),
                row("51 aliases of a mapping", "x: &e {A: b}\napps:\n  web:\n    run: x\n    env_staging: [" + "*e, ".repeat(51) + "]\n",
                        "berth.yml:5:219: more than 50 aliases of mappings and lists"),
                row("a 900 KiB scalar and 20,000 aliases of it", "apps:\n  web:\n    script: app.js\n    args: [&s \"" + "y".repeat(900 << 10)
                        + "\"" + ", *s".repeat(20_000) + "]\n", "berth.yml:4:12: with its aliases expanded, the file is more than 8M characters"),
                row("a mapping holding an alias of itself", "apps: &a\n  web:\n    run: x\n    env: *a\n",
                        "berth.yml:1:7: this mapping or list holds an alias of itself"),
                row("a key of 300 characters over 10,000 entries", "apps:\n  web:\n    run: x\n    env:\n      " + "K".repeat(300) + ":\n"
                        + "        a: b\n".repeat(10_000), "berth.yml:5:7: a key of 300 characters; keys have at most 256"),
                row("a 2 MiB scalar", "apps:\n  web:\n    run: \"" + "x".repeat(2 << 20) + "\"\n",
                        "berth.yml: the file is 2,097,177 bytes, more than the 1 MiB (1,048,576 bytes) Berth reads of an input file"),
                row("a NUL character", "apps:\n  web:\n    run: \"a\0b\"\n", "berth.yml:3:12: invalid YAML: the character U+0000 is not allowed"),
                Arguments.of("Latin-1 text", "apps:\n  web:\n    run: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1),
                        "berth.yml:3:13: not a UTF-8 text file: the byte 0xE9 here is not UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void isOneProblemWithItsPlaceWithinASecond(String what, byte[] content, String expected) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.write(file, content);
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(ConfigException.class, () -> load(file)));
        assertTrue(e.getMessage().contains(expected), () -> "expected\n  " + expected + "\nin\n  " + e.getMessage());
    }

    @Test void aFileOfMoreThan2GiBIsRefusedBeforeItIsRead() throws Exception {
        Path file = dir.resolve("berth.yml");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((2L << 30) + 5); // sparse: no disk space, no time
        }
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ": the file is 2,147,483,653 bytes, more than the 1 MiB (1,048,576 bytes) Berth reads of an input file",
                e.getMessage());
        // the daemon reads every input before it parses, to see what changed
        ConfigException cached = assertThrows(ConfigException.class, () -> new ConfigCache(dir.resolve("logs")).load(file, Map.of()));
        assertEquals(e.getMessage(), cached.getMessage());
    }

    /** ${VAR} was expanded without a bound: a line of references to a large env value stood for gigabytes. */
    @Test void referencesToALargeEnvValueAreBoundedLikeAliases() throws Exception {
        Files.writeString(dir.resolve(".env"), "BIG=" + "z".repeat(900 << 10) + "\n");
        Path file = dir.resolve("berth.yml");
        String expected = "with ${VAR} expanded, the values of this file come to more than 8M characters";
        Files.writeString(file, "apps:\n  web:\n    run: x\n    env_file: .env\n    env: {ONE: \"" + "${BIG}".repeat(20) + "\"}\n");
        ConfigException one = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThrows(ConfigException.class, () -> load(file)));
        assertEquals(file + ":5:16: apps.web.env.ONE: " + expected, one.getMessage());

        StringBuilder many = new StringBuilder("apps:\n  web:\n    run: x\n    env_file: .env\n    env:\n");
        for (int i = 0; i < 20; i++) many.append("      V").append(i).append(": ${BIG}\n");
        Files.writeString(file, many);
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThrows(ConfigException.class, () -> load(file)));
        assertEquals(file + ":15:11: apps.web.env.V9: " + expected, e.getMessage(), "said once, at the value that went over");
    }

    /** The scanner used to copy what it had read of a scalar again every 1024 characters: 4 MB took 6.5 s. */
    @Test void theLargestFileAllowedIsReadInLinearTime() throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, "apps:\n  web:\n    run: \"" + "x".repeat(InputFiles.MAX_BYTES - 25) + "\"\n");
        assertEquals(InputFiles.MAX_BYTES, Files.size(file));
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            assertEquals(1, load(file).apps().size());
            best = Math.min(best, System.nanoTime() - t0);
        }
        assertTrue(best < 300_000_000L, "1 MiB took " + best / 1_000_000 + " ms");
        Files.writeString(file, "apps:\n  web:\n    run: \"" + "x".repeat(InputFiles.MAX_BYTES - 24) + "\"\n");
        assertTrue(assertThrows(ConfigException.class, () -> load(file)).getMessage().contains("1,048,577 bytes, more than"));
    }

    private BerthFile load(Path file) throws ConfigException {
        return new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null);
    }

    private static Arguments row(String what, String content, String expected) {
        return Arguments.of(what, content.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static String blockMappings(int levels) {
        StringBuilder b = new StringBuilder("apps:\n");
        for (int i = 1; i <= levels; i++) b.append(" ".repeat(i)).append("k:\n");
        return b.toString();
    }
}
