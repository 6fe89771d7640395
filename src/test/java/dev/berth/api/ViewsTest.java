package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.backup.BackupRestore;
import dev.berth.backup.BackupRun;
import dev.berth.backup.BackupVerification;
import dev.berth.backup.DrillFindings;
import dev.berth.backup.OffsiteRetry;
import dev.berth.backup.PrunedArchive;
import dev.berth.config.CheckSpec;
import dev.berth.json.Json;
import dev.berth.monitor.CheckReport;
import dev.berth.monitor.CheckRunner;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON the API gives for each result, key by key in its place: the CLI and scripts read it. */
class ViewsTest {
    private static final BackupRun.Archive ARCHIVE = new BackupRun.Archive("/b/db-1.sql.zst", 42, "ab12", 7, "pg_dump 16", "16.2");

    @Test void aRunRefusedBeforeItBeganHasNoId() {
        assertEquals("{\"name\":\"db\",\"ok\":false,\"error\":\"a run is going\"}",
                Json.write(Views.backupRun(new BackupRun("db", null, null, null, List.of(), List.of(), "a run is going", List.of()))));
    }

    @Test void aGoodRunListsItsArchiveThenWhatRetentionRemoved() {
        BackupRun run = new BackupRun("db", 3L, ARCHIVE, null, List.of(), List.of(), null,
                List.of(new PrunedArchive(1, "db", false, "/b/db-0.sql.zst", null)));
        assertEquals("{\"name\":\"db\",\"id\":3,\"ok\":true,\"file\":\"/b/db-1.sql.zst\",\"bytes\":42,\"sha256\":\"ab12\",\"duration_ms\":7,"
                + "\"tool_version\":\"pg_dump 16\",\"server_version\":\"16.2\",\"pruned\":[{\"id\":1,\"name\":\"db\",\"file\":\"/b/db-0.sql.zst\"}]}",
                Json.write(Views.backupRun(run)));
    }

    @Test void aFailedOffsiteCopyKeepsOkInItsPlaceAndTheErrorBeforeThePrune() {
        BackupRun run = new BackupRun("db", 3L, ARCHIVE, "s3://b/k3", List.of(new OffsiteRetry(2, "k2", null), new OffsiteRetry(1, null, "denied")),
                List.of(new PrunedArchive(1, "db", true, "s3://b/k1", "cannot delete: gone")), "upload failed",
                List.of(new PrunedArchive(0, "db", false, "/b/db-0", null)));
        assertEquals("{\"name\":\"db\",\"id\":3,\"ok\":false,\"file\":\"/b/db-1.sql.zst\",\"bytes\":42,\"sha256\":\"ab12\",\"duration_ms\":7,"
                + "\"tool_version\":\"pg_dump 16\",\"server_version\":\"16.2\",\"offsite\":\"s3://b/k3\","
                + "\"offsite_retried\":[{\"id\":2,\"key\":\"k2\",\"ok\":true},{\"id\":1,\"ok\":false,\"error\":\"denied\"}],"
                + "\"offsite_pruned\":[{\"id\":1,\"name\":\"db\",\"offsite\":\"s3://b/k1\",\"error\":\"cannot delete: gone\"}],"
                + "\"error\":\"upload failed\",\"pruned\":[{\"id\":0,\"name\":\"db\",\"file\":\"/b/db-0\"}]}",
                Json.write(Views.backupRun(run)));
    }

    @Test void aVerificationSaysWhatItChecked() {
        assertEquals("{\"id\":3,\"name\":\"db\",\"file\":null,\"ok\":false,\"error\":\"missing\"}",
                Json.write(Views.verification(new BackupVerification(3, "db", null, null, null, null, "missing"))));
        assertEquals("{\"id\":3,\"name\":\"db\",\"file\":\"/b/x\",\"checksum\":\"MISMATCH: catalog a, file b\",\"ok\":false}",
                Json.write(Views.verification(new BackupVerification(3, "db", "/b/x", null, "MISMATCH: catalog a, file b", null, null))));
        assertEquals("{\"id\":3,\"name\":\"db\",\"file\":\"/b/x\",\"offsite\":\"s3://b/k\",\"checksum\":\"ok\",\"drill\":{\"tables\":2},\"ok\":true}",
                Json.write(Views.verification(new BackupVerification(3, "db", "/b/x", "s3://b/k", "ok", new DrillFindings(2, null, null, null), null))));
    }

    @Test void anUnconfirmedRestoreAsksForConfirmation() {
        assertEquals("{\"id\":3,\"name\":\"db\",\"file\":\"/b/x\",\"overwrites\":\"database app\",\"safety_backup\":true,\"ok\":true,\"confirm\":true}",
                Json.write(Views.restore(new BackupRestore(3, "db", "/b/x", "database app", true, null, true, null))));
    }

    @Test void aRestoreShowsItsSafetyBackupBeforeItsOutcome() {
        BackupRun safety = new BackupRun("db", 4L, null, null, List.of(), List.of(), "disk full", List.of());
        assertEquals("{\"id\":3,\"name\":\"db\",\"file\":\"/b/x\",\"overwrites\":\"database app\",\"safety_backup\":true,"
                + "\"safety\":{\"name\":\"db\",\"id\":4,\"ok\":false,\"error\":\"disk full\"},\"ok\":false,\"error\":\"the safety backup failed\"}",
                Json.write(Views.restore(new BackupRestore(3, "db", "/b/x", "database app", true, safety, false, "the safety backup failed"))));
    }

    @Test void aCheckReportAddsUpItsChecks() {
        CheckSpec spec = new CheckSpec("api", new CheckSpec.Tcp("127.0.0.1", 80, CheckSpec.Limits.NONE), Duration.ofSeconds(30), Duration.ofSeconds(5),
                1, List.of(), false);
        CheckReport report = CheckReport.of(List.of(new CheckRunner.Outcome(spec, new ProbeResult(CheckState.WARNING, 120.0, "ms", "slow", 120))));
        String checks = "\"checks\":[{\"name\":\"api\",\"kind\":\"tcp\",\"built_in\":false,\"state\":\"WARNING\",\"value\":120.0,\"unit\":\"ms\","
                + "\"message\":\"slow\",\"latency_ms\":120}]";
        assertEquals("{\"health\":\"WARNING\"," + checks + "}", Json.write(Views.checkReport(report)));
        assertEquals("{\"health\":\"WARNING\"," + checks + ",\"alerted\":\"sent to ops\"}", Json.write(Views.checkReport(report.alerted("sent to ops"))));
    }
}
