package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DotenvTest {
    @TempDir Path dir;

    @Test
    void readsKeysValuesQuotesCommentsAndExport() throws Exception {
        Path f = write("""
                # database
                export DATABASE_URL=postgres://app@localhost/app
                PLAIN = spaced value   # a comment
                HASH=pa#ss
                SINGLE='no \\n escapes, $HOME stays'
                DOUBLE="two\\nlines \\"quoted\\""
                EMPTY=

                LATER=1
                LATER=2
                """);
        Map<String, String> env = Dotenv.parse(f);
        assertEquals(List.of("DATABASE_URL", "PLAIN", "HASH", "SINGLE", "DOUBLE", "EMPTY", "LATER"), List.copyOf(env.keySet()));
        assertEquals("postgres://app@localhost/app", env.get("DATABASE_URL"));
        assertEquals("spaced value", env.get("PLAIN"));
        assertEquals("pa#ss", env.get("HASH"));
        assertEquals("no \\n escapes, $HOME stays", env.get("SINGLE"));
        assertEquals("two\nlines \"quoted\"", env.get("DOUBLE"));
        assertEquals("", env.get("EMPTY"));
        assertEquals("2", env.get("LATER"));
    }

    @Test
    void quotedValuesMaySpanLines() throws Exception {
        Path f = write("KEY=\"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\"\nNEXT=x\n");
        Map<String, String> env = Dotenv.parse(f);
        assertEquals("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----", env.get("KEY"));
        assertEquals("x", env.get("NEXT"));
    }

    @Test
    void reportsEveryMalformedLineWithFileAndLine() throws Exception {
        Path f = write("""
                GOOD=1
                not a pair
                1BAD=x
                QUOTED="closed" trailing
                OPEN='never closed
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> Dotenv.parse(f));
        List<ConfigProblem> p = e.problems();
        assertEquals(4, p.size(), e.getMessage());
        assertEquals(f + ":2:1: expected KEY=VALUE (KEY made of letters, digits and _, not starting with a digit)", p.get(0).toString());
        assertEquals(3, p.get(1).line());
        assertTrue(p.get(2).toString().startsWith(f + ":4:1: QUOTED: unexpected text after the closing \""), p.get(2).toString());
        assertTrue(p.get(3).toString().startsWith(f + ":5:6: OPEN: the value's ' is never closed"), p.get(3).toString());
    }

    @Test
    void malformedLinesAreNotEchoedBecauseTheyMayHoldSecrets() throws Exception {
        Path f = write("API_KEY: sk_live_abcdef123456\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Dotenv.parse(f));
        assertFalse(e.getMessage().contains("sk_live"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with 'single' quotes", "line\nbreak", "back\\slash \"dq\"", "$dollar ${X}", "tab\there", ""})
    void formatReadsBackAsTheSameValue(String value) throws Exception {
        Path f = write(Dotenv.format("K", value) + "\n");
        assertEquals(value, Dotenv.parse(f).get("K"));
    }

    /** The closing quote used to be searched for from the start again after every line: 100k lines took over 10 s. */
    @Test
    void anUnclosedQuoteInAHundredThousandLinesIsFoundInLinearTime() throws Exception {
        Path f = write("A=\"never closed\n" + "v\n".repeat(100_000));
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThrows(ConfigException.class, () -> Dotenv.parse(f)));
        assertEquals(f + ":1:3: A: the value's \" is never closed", e.getMessage());
    }

    @Test
    void aNulCharacterInAValueIsAProblem() throws Exception {
        Path f = write("A=a\0b\nB=\"x\0\"\nC=ok\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Dotenv.parse(f));
        assertEquals(List.of(f + ":1:4: A: " + Dotenv.NUL, f + ":2:3: B: " + Dotenv.NUL), e.problems().stream().map(Object::toString).toList());
    }

    @Test
    void aFileOfMoreThan1MiBIsRefusedBeforeItIsRead() throws Exception {
        Path f = dir.resolve(".env");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength((2L << 30) + 5); // sparse
        }
        InputFiles.TooLarge e = assertThrows(InputFiles.TooLarge.class, () -> Dotenv.parse(f));
        assertEquals(f + " is 2,147,483,653 bytes, more than the 1 MiB (1,048,576 bytes) Berth reads of an input file", e.getMessage());
        Files.writeString(f, "A=" + "x".repeat(InputFiles.MAX_BYTES - 3) + "\n");
        assertEquals(InputFiles.MAX_BYTES - 3, Dotenv.parse(f).get("A").length(), "1 MiB is allowed");
    }

    @Test
    void latin1IsAProblemAtItsPlace() throws Exception {
        Path f = dir.resolve(".env");
        Files.write(f, "A=1\nB=caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> Dotenv.parse(f));
        assertEquals(f + ":2:6: not a UTF-8 text file: the byte 0xE9 here is not UTF-8", e.getMessage());
    }

    private Path write(String text) throws Exception {
        Path f = dir.resolve(".env");
        Files.writeString(f, text);
        return f;
    }
}
