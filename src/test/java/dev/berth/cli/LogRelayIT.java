package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Timestamps and rotation through berth-logd, with the daemon killed while the app writes. */
class LogRelayIT extends BerthIT {
    private static final Pattern NUMBERED = Pattern.compile("line (\\d{9}) ");

    @Test void rotationLosesNoLineEvenWhenTheDaemonIsKilledMidBurst() throws Exception {
        berth.writeConfig("""
                apps:
                  chatty:
                    script: $TESTAPPS/chatty.py
                    env: { LINES: "300000" }
                    min_uptime: 200ms
                    logs:
                      timestamp: "yyyy-MM-dd HH:mm:ss.SSS"
                      rotate: { size: 5M, keep: 50, compress: true }
                """);
        berth.ok("start");
        berth.alsoKill.add(berth.pid("chatty", 0)); // the daemon is killed below: close() cannot ask it
        long daemon = berth.daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Path dir = berth.home.resolve("logs");
        await("all lines written", Duration.ofSeconds(60), () -> lastLineIs(dir.resolve("chatty-0-out.log"), "done"));
        await("rotated files compressed", Duration.ofSeconds(20), () -> rotated(dir).stream().allMatch(p -> p.toString().endsWith(".gz")));
        BitSet seen = new BitSet();
        int stamped = 0;
        Pattern stamp = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} ");
        List<Path> files = new java.util.ArrayList<>(rotated(dir));
        files.add(dir.resolve("chatty-0-out.log"));
        for (Path f : files) {
            try (BufferedReader r = reader(f)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (stamp.matcher(line).find()) stamped++;
                    Matcher m = NUMBERED.matcher(line);
                    if (m.find()) seen.set(Integer.parseInt(m.group(1)));
                }
            }
        }
        assertTrue(rotated(dir).size() >= 4, "30 MB in 5 MB files must rotate several times: " + rotated(dir));
        assertEquals(300000, seen.cardinality(), "every numbered line must be in the logs");
        assertEquals(300001, seen.nextClearBit(1), "lines are numbered from 1");
        assertTrue(stamped >= 300000, "every line must carry a timestamp, got " + stamped);
    }

    private static boolean lastLineIs(Path f, String text) {
        try {
            List<String> lines = Files.readAllLines(f);
            return !lines.isEmpty() && lines.getLast().endsWith(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> rotated(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chatty-0-out.log.")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static BufferedReader reader(Path f) throws IOException {
        var in = Files.newInputStream(f);
        return new BufferedReader(new InputStreamReader(f.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8));
    }
}
