package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit.log in a real directory: lines, modes, rotation and reading back. */
class AuditLogTest {
    @TempDir Path home;
    private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");

    private static AuditRecord record(int i) {
        return new AuditRecord(T0.plusSeconds(i), i % 2 == 0 ? "alice" : "token", "192.0.2." + (i % 250), "POST", "/api/v1/restart", "web-" + i, 200);
    }

    @Test void anAppendedLineIsInTheFileAtOnceAsJsonAndPrivate() throws Exception {
        try (AuditLog log = AuditLog.in(home)) {
            log.append(AuditRecord.of(T0, new Principal("alice", Role.OPERATOR), "192.0.2.1", "POST", "/api/v1/deploy", "web", 200));
            List<String> lines = Files.readAllLines(home.resolve("audit.log")); // before close: written, not buffered
            assertEquals(1, lines.size());
            Map<String, Object> m = Json.readMap(lines.get(0));
            assertEquals(Map.of("time", "2025-06-01T08:00:00Z", "who", "alice", "from", "192.0.2.1", "method", "POST",
                    "path", "/api/v1/deploy", "target", "web", "status", 200), m);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("audit.log"))));
        }
    }

    @Test void whatIsReadBackIsWhatWasAppendedInOrder() throws Exception {
        List<AuditRecord> written = new ArrayList<>();
        try (AuditLog log = AuditLog.in(home)) {
            for (int i = 0; i < 10; i++) {
                written.add(record(i));
                log.append(record(i));
            }
            assertEquals(written.subList(7, 10), log.last(3));
            assertEquals(written, log.last(100));
            assertEquals(List.of(), log.last(0));
        }
        try (AuditLog again = AuditLog.in(home)) { // a restarted daemon appends to the same file
            again.append(record(10));
            written.add(record(10));
            assertEquals(written, again.last(100));
        }
    }

    @Test void theQueryIsDroppedAndLongFieldsAreCut() throws Exception {
        AuditRecord r = new AuditRecord(T0, "alice", "192.0.2.1", "GET", "/api/v1/events?limit=5&secret=x", "t".repeat(5000), 200);
        assertEquals("/api/v1/events", r.path());
        assertEquals(AuditRecord.MOST_FIELD + 3, r.target().length());
        assertEquals(AuditRecord.MOST_PATH + 3, new AuditRecord(T0, "a", "b", "GET", "/" + "p".repeat(9000), null, 200).path().length());
    }

    @Test void pastTheSizeTheLogRotatesKeepingThreeAndTheNewestAreReadAcrossThem() throws Exception {
        long most = 1000;
        List<AuditRecord> written = new ArrayList<>();
        try (AuditLog log = new AuditLog(home.resolve("audit.log"), most, 3)) {
            for (int i = 0; i < 60; i++) {
                log.append(record(i));
                written.add(record(i));
            }
            List<Path> files = new ArrayList<>();
            try (var s = Files.list(home)) {
                s.sorted().forEach(files::add);
            }
            assertEquals(List.of("audit.log", "audit.log.1", "audit.log.2", "audit.log.3"), files.stream().map(p -> p.getFileName().toString()).toList());
            int kept = 0;
            for (Path f : files) {
                assertTrue(Files.size(f) <= most, f + " is " + Files.size(f) + " bytes");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                kept += Files.readAllLines(f).size();
            }
            assertTrue(kept < 60, "the oldest are gone");
            List<AuditRecord> all = log.last(1000);
            assertEquals(written.subList(60 - kept, 60), all, "every kept line, oldest first, across the files");
            int inCurrent = Files.readAllLines(home.resolve("audit.log")).size();
            assertEquals(written.subList(60 - inCurrent - 2, 60), log.last(inCurrent + 2), "the last few, some from audit.log.1");
        }
    }

    @Test void aLineACrashCutShortIsSkipped() throws Exception {
        try (AuditLog log = AuditLog.in(home)) {
            for (int i = 0; i < 5; i++) log.append(record(i));
        }
        Files.writeString(home.resolve("audit.log"), "{\"time\":\"2025-06-01T08:", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.in(home)) {
            assertEquals(List.of(record(2), record(3), record(4)), log.last(3));
        }
        Files.writeString(home.resolve("audit.log"), "\n" + "not json\n".repeat(10), StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.in(home)) {
            assertEquals(List.of(record(1), record(2), record(3), record(4)), log.last(4), "reads further back past lines that do not parse");
        }
    }

    @Test void theLastEntriesOfALargeFileAreReadFromItsEnd() throws Exception {
        List<AuditRecord> written = new ArrayList<>();
        try (AuditLog log = AuditLog.in(home)) {
            for (int i = 0; i < 3000; i++) { // about 450 KB: several of the reader's chunks
                AuditRecord r = new AuditRecord(T0.plusSeconds(i), "alice", "192.0.2.1", "POST", "/api/v1/apps/" + "x".repeat(i % 97), "target " + i, 200);
                log.append(r);
                written.add(r);
            }
            assertTrue(Files.size(home.resolve("audit.log")) > 3 * 64 * 1024);
            assertEquals(written.subList(2000, 3000), log.last(AuditLog.MOST_READ));
            assertEquals(written.subList(2000, 3000), log.last(5000), "at most MOST_READ");
            assertEquals(written.subList(2999, 3000), log.last(1));
        }
    }

    @Test void noLogYetReadsAsNothing() throws Exception {
        try (AuditLog log = AuditLog.in(home)) {
            assertEquals(List.of(), log.last(10));
            assertFalse(Files.exists(log.file()));
        }
    }
}
