package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed at the moments around an archive's rename (BERTH_CRASH_AT halts it there, as
 * kill -9 would): the next daemon neither forgets a finished archive nor keeps a broken one,
 * and a file no catalog row names is shown instead of filling the disk unseen.
 */
class BackupCrashIT extends BerthIT {
    private Path data;
    private Path backups;

    private void config() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "alpha\n".repeat(1000));
        backups = tmp.resolve("backups");
        berth.writeConfig("""
                backups:
                  files: {dir: %s, to: %s, compress: gzip}
                checks:
                  files-age:
                    backup: files
                    warning: 1h
                    critical: 2h
                """.formatted(data, backups));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> catalog() {
        return (List<Map<String, Object>>) (List<?>) Json.readList(berth.ok("backup", "list", "files", "--json").out());
    }

    private List<Path> filesIn(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test void aKillRightAfterTheRenameKeepsTheFinishedArchive() throws Exception {
        config();
        BerthRun.Result killed = berth.run(Map.of("BERTH_CRASH_AT", "backup.renamed"), "backup", "run", "files");
        assertEquals(5, killed.exit(), "the CLI says honestly that the daemon went away: " + killed);
        List<Path> onDisk = filesIn(backups.resolve(""));
        assertEquals(1, onDisk.size(), "the archive was renamed into place: " + onDisk);

        Map<String, Object> run = catalog().get(0);
        assertEquals("succeeded", run.get("state"), "the next daemon adopts it: " + run);
        assertEquals(onDisk.get(0).toString(), run.get("file"));
        assertEquals(BackupIT.sha256(onDisk.get(0)), run.get("sha256"));
        assertTrue(String.valueOf(run.get("error")).contains("adopted"), "and says so: " + run);
        BerthRun.Result verify = berth.run("backup", "verify", "files");
        assertEquals(0, verify.exit(), verify.toString());
        assertFalse(verify.all().contains("null"), verify.toString());
        assertEquals(0, berth.run("check", "files-age").exit(), "a good archive, nothing unaccounted for");
    }

    @Test void aKillBeforeTheRenameLeavesNeitherAPartialFileNorAGoodLookingRun() throws Exception {
        config();
        assertEquals(5, berth.run(Map.of("BERTH_CRASH_AT", "backup.recorded"), "backup", "run", "files").exit());
        assertTrue(filesIn(backups).stream().allMatch(p -> p.getFileName().toString().endsWith(".partial")), "killed before the rename");

        Map<String, Object> run = catalog().get(0);
        assertEquals("interrupted", run.get("state"), run.toString());
        assertEquals(List.of(), filesIn(backups), "the next daemon removed the partial file");
        BerthRun.Result verify = berth.run("backup", "verify", String.valueOf(run.get("id")));
        assertEquals(1, verify.exit());
        assertFalse(verify.all().contains("archive null"), "no 'the archive null is missing': " + verify);
    }

    @Test void anArchiveThatDiffersFromItsRecordedChecksumIsRemovedAndOneNoRowNamesIsShown() throws Exception {
        config();
        assertEquals(5, berth.run(Map.of("BERTH_CRASH_AT", "backup.renamed"), "backup", "run", "files").exit());
        Path archive = filesIn(backups).get(0);
        Path copy = backups.resolve("files-20200101-000000.tar.gz");
        Files.copy(archive, copy); // a file the catalog never named
        Files.writeString(archive, "not what was recorded");

        Map<String, Object> run = catalog().get(0);
        assertEquals("interrupted", run.get("state"), run.toString());
        assertFalse(Files.exists(archive), "the broken archive is removed");

        List<Map<String, Object>> all = catalog();
        Map<String, Object> unknown = all.get(all.size() - 1);
        assertEquals("unknown", unknown.get("state"), all.toString());
        assertEquals(copy.toString(), unknown.get("file"));
        String text = berth.ok("backup", "list").out();
        assertTrue(text.contains("no catalog row names") && text.contains(copy.toString()), text);

        berth.ok("backup", "run", "files");
        BerthRun.Result check = berth.run("check", "files-age");
        assertEquals(1, check.exit(), "a WARNING: " + check);
        assertTrue(check.out().contains("no catalog row names"), check.out());
    }

    @Test void aKillDuringRetentionLeavesNoSucceededRunWithoutItsArchive() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "alpha\n");
        backups = tmp.resolve("backups");
        berth.writeConfig("""
                backups:
                  files: {dir: %s, to: %s, compress: gzip, keep_last: 1}
                """.formatted(data, backups));
        berth.ok("backup", "run", "files");
        Thread.sleep(1100); // another second, another archive name
        berth.ok("daemon", "stop");
        berth.ok(Map.of("BERTH_CRASH_AT", "prune.recorded"), "daemon", "start");
        assertEquals(5, berth.run("backup", "run", "files").exit(), "killed while the first archive was being pruned");

        List<Map<String, Object>> rows = catalog(); // the next daemon
        for (Map<String, Object> r : rows) {
            if ("succeeded".equals(r.get("state"))) assertTrue(Files.exists(Path.of(String.valueOf(r.get("file")))), "a good run has its archive: " + rows);
            if ("pruned".equals(r.get("state"))) assertFalse(Files.exists(Path.of(String.valueOf(r.get("file")))), "a pruned one's archive is gone: " + rows);
        }
        assertEquals(List.of("pruned", "succeeded"), rows.stream().map(r -> String.valueOf(r.get("state"))).sorted().toList(), rows.toString());
        assertEquals(1, filesIn(backups).size(), filesIn(backups).toString());
        assertEquals(0, berth.run("backup", "verify", "files").exit());
    }
}
