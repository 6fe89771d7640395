package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real log file in a temp directory, written, rotated and truncated as loggers do. */
class LogErrorRateProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Pattern ERROR = Pattern.compile("ERROR");

    @TempDir
    Path tmp;
    private final MovableClock clock = new MovableClock();

    private LogErrorRateProbe counting(Path log, Thresholds limits) {
        return new LogErrorRateProbe(log, ERROR, WINDOW, limits, ErrorRateMode.COUNT, new LogTail(clock));
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String lines(String line, int n) {
        return (line + "\n").repeat(n);
    }

    @Test
    void countsMatchingLinesWrittenSinceItStartedWatching() throws IOException {
        Path log = tmp.resolve("app.log");
        append(log, lines("ERROR from last week", 50));
        LogErrorRateProbe probe = counting(log, Thresholds.above(2.0, 5.0));

        ProbeResult first = probe.run(TIMEOUT);
        assertEquals(CheckState.OK, first.state(), first.message());
        assertEquals(0.0, first.value(), "lines already there are of unknown age and not counted");

        clock.advance(Duration.ofSeconds(10));
        append(log, lines("ERROR db timeout", 3) + lines("INFO ok", 2));
        ProbeResult second = probe.run(TIMEOUT);
        assertEquals(CheckState.WARNING, second.state(), second.message());
        assertEquals(3.0, second.value());
        assertEquals("lines/5m", second.unit());
        assertEquals("3 matching lines > 2 (warning) in the last 5m of " + log + " (pattern /ERROR/, 5 lines in all)",
                second.message());

        clock.advance(Duration.ofSeconds(10));
        append(log, lines("ERROR again", 3));
        ProbeResult third = probe.run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, third.state(), third.message());
        assertEquals(6.0, third.value(), "the window holds both runs");

        clock.advance(WINDOW.minusSeconds(5)); // the second run's 3 are now 5m05s old, the third run's 4m55s
        ProbeResult fourth = probe.run(TIMEOUT);
        assertEquals(3.0, fourth.value(), fourth.message());

        clock.advance(Duration.ofMinutes(1));
        assertEquals(0.0, probe.run(TIMEOUT).value(), "everything has left the window");
    }

    @Test
    void anUnfinishedLineWaitsForItsNewline() throws IOException {
        Path log = tmp.resolve("app.log");
        Files.createFile(log);
        LogErrorRateProbe probe = counting(log, Thresholds.above(null, 100.0));
        probe.run(TIMEOUT);
        append(log, "INFO a\r\nERROR half written");
        assertEquals(0.0, probe.run(TIMEOUT).value());
        append(log, " and finished\n");
        assertEquals(1.0, probe.run(TIMEOUT).value());
    }

    @Test
    void followsTheLogAcrossRotation() throws IOException {
        Path log = tmp.resolve("app.log");
        append(log, "INFO starting\n");
        LogErrorRateProbe probe = counting(log, Thresholds.above(null, 100.0));
        probe.run(TIMEOUT);
        append(log, lines("ERROR one", 2));
        assertEquals(2.0, probe.run(TIMEOUT).value());

        // written to the old file just before the rotation, then rename + a new file
        append(log, lines("ERROR late in the old file", 1));
        Files.move(log, tmp.resolve("app.log.1"));
        append(log, lines("ERROR in the new file", 4) + "INFO fine\n");
        ProbeResult r = probe.run(TIMEOUT);
        assertEquals(2.0 + 1 + 4, r.value(), r.message());
        assertTrue(r.message().contains("(pattern /ERROR/, 8 lines in all)"), r.message());

        append(log, lines("ERROR more", 1));
        assertEquals(8.0, probe.run(TIMEOUT).value(), "goes on in the new file from where it stopped");
    }

    @Test
    void aFileTruncatedInPlaceIsReadFromItsStart() throws IOException {
        Path log = tmp.resolve("app.log");
        append(log, lines("INFO old", 20));
        LogErrorRateProbe probe = counting(log, Thresholds.above(null, 100.0));
        probe.run(TIMEOUT);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0); // logrotate's copytruncate
        }
        append(log, lines("ERROR after truncation", 2));
        assertEquals(2.0, probe.run(TIMEOUT).value());
    }

    @Test
    void aMissingFileIsCriticalAndIsReadFromItsStartOnceItAppears() throws IOException {
        Path log = tmp.resolve("later.log");
        LogErrorRateProbe probe = counting(log, Thresholds.above(null, 100.0));
        ProbeResult missing = probe.run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, missing.state());
        assertEquals("log file " + log + " does not exist", missing.message());

        append(log, lines("ERROR first", 2));
        assertEquals(2.0, probe.run(TIMEOUT).value(), "a file that appeared after watching began is new");

        Files.delete(log); // rotated away, not recreated yet: not an error
        assertEquals(CheckState.OK, probe.run(TIMEOUT).state());
    }

    @Test
    void percentModeJudgesTheShareOfMatchingLines() throws IOException {
        Path log = tmp.resolve("access.log");
        Files.createFile(log);
        LogErrorRateProbe probe = new LogErrorRateProbe(log, Pattern.compile("\" 5\\d\\d "), WINDOW,
                Thresholds.above(5.0, 10.0), ErrorRateMode.PERCENT, new LogTail(clock));
        ProbeResult empty = probe.run(TIMEOUT);
        assertEquals(CheckState.OK, empty.state());
        assertEquals("error rate 0% < 5% (ok): no lines in the last 5m of " + log, empty.message());

        append(log, lines("\"GET /\" 200 512", 7) + lines("\"GET /api\" 502 0", 1));
        ProbeResult r = probe.run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state(), r.message());
        assertEquals(12.5, r.value());
        assertEquals("%", r.unit());
        assertTrue(r.message().startsWith("error rate 12.5% > 10% (critical): 1 of 8 lines in the last 5m of "), r.message());
    }

    @Test
    void readsOnlyTheNewBytesOfABigLog() throws IOException {
        Path log = tmp.resolve("big.log");
        String block = lines("INFO " + "x".repeat(100), 10_000); // about 1 MB
        for (int i = 0; i < 20; i++) append(log, block);
        LogErrorRateProbe probe = counting(log, Thresholds.above(null, 100.0));
        probe.run(TIMEOUT); // starts at the end of 20 MB without reading them

        append(log, lines("ERROR new", 3));
        long t0 = System.nanoTime();
        ProbeResult r = probe.run(TIMEOUT);
        assertEquals(3.0, r.value());
        assertTrue(r.message().contains("3 lines in all"), "only the new lines were read: " + r.message());
        assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos());
    }
}
