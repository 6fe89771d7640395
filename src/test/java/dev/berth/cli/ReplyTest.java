package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon's JSON, read into the CLI's records: each field as its type, a missing one as null, false or empty. */
class ReplyTest {
    private static Reply parse(String json) {
        return Reply.of(Json.readMap(json));
    }

    @Test void fieldsReadAsTheirTypes() {
        Reply r = parse("{\"s\":\"x\",\"n\":7,\"d\":1.5,\"b\":true,\"l\":[\"a\",2],\"o\":{\"k\":1}}");
        assertEquals("x", r.string("s"));
        assertEquals(7L, r.number("n"));
        assertEquals("1.5", String.valueOf(r.decimal("d")));
        assertEquals("7", String.valueOf(r.decimal("n")), "an integer stays one");
        assertTrue(r.flag("b"));
        assertEquals(List.of("a", "2"), r.strings("l"));
        assertEquals(1L, r.object("o").number("k"));
    }

    @Test void missingOrOtherTypedFieldsAreEmpty() {
        Reply r = parse("{\"s\":null,\"n\":\"seven\"}");
        assertNull(r.string("s"));
        assertNull(r.number("n"));
        assertNull(r.decimal("missing"));
        assertFalse(r.flag("missing"));
        assertEquals(List.of(), r.list("missing"));
        assertNull(r.object("n"));
    }

    @Test void appOutcomes() {
        AppOutcomes o = AppOutcomes.of(parse("{\"ok\":false,\"results\":[{\"app\":\"web\",\"ok\":false,\"message\":\"exited\",\"details\":[\"code 1\"]}]}"));
        assertFalse(o.ok());
        assertEquals(List.of(new AppOutcomes.Result("web", false, "exited", List.of("code 1"))), o.results());
    }

    @Test void checkResults() {
        CheckResults c = CheckResults.of(parse("{\"health\":\"WARNING\",\"checks\":[{\"name\":\"api\",\"kind\":\"http\",\"state\":\"WARNING\",\"message\":\"slow\"}]}"));
        assertEquals(new CheckResults("WARNING", List.of(new CheckResults.Check("api", "http", "WARNING", "slow")), null), c);
    }

    @Test void backupRunsVerificationsRestoresAndPrunes() {
        BackupReplies.Runs runs = BackupReplies.Runs.of(parse("{\"ok\":true,\"results\":[{\"name\":\"db\",\"id\":3,\"ok\":true,\"file\":\"/b/x\","
                + "\"bytes\":42,\"sha256\":\"ab\",\"duration_ms\":7,\"offsite_retried\":[{\"id\":2,\"ok\":false,\"error\":\"denied\"}]}]}"));
        assertEquals(new BackupReplies.Run(3L, "db", true, "/b/x", 42L, 7L, "ab", null, List.of(new BackupReplies.OffsiteRetry(2L, false, "denied")), null),
                runs.results().get(0));
        BackupReplies.Verification v = BackupReplies.Verification.of(parse("{\"id\":3,\"name\":\"db\",\"checksum\":\"ok\",\"drill\":{\"tables\":2,\"rows\":{\"t\":5}},\"ok\":true}"));
        assertEquals(2L, v.drill().tables());
        assertEquals("{t=5}", String.valueOf(v.drill().rows()));
        BackupReplies.Restore r = BackupReplies.Restore.of(parse("{\"id\":3,\"name\":\"db\",\"file\":\"/b/x\",\"overwrites\":\"database app\","
                + "\"safety_backup\":true,\"safety\":{\"name\":\"db\",\"id\":4,\"ok\":true,\"file\":\"/b/y\"},\"ok\":true}"));
        assertEquals("/b/y", r.safety().file());
        assertTrue(r.safetyBackup());
        assertEquals(List.of(new BackupReplies.Pruned(1L, "db", null, "cannot delete: gone")),
                BackupReplies.Pruned.listOf(parse("{\"dry_run\":false,\"removed\":[{\"id\":1,\"name\":\"db\",\"offsite\":\"s3://b/k\",\"error\":\"cannot delete: gone\"}]}")));
    }

    @Test void appsWithTheirInstancesAndEvents() {
        AppReply a = AppReply.of(parse("{\"name\":\"web\",\"desired\":\"running\",\"log_files\":[\"/l/web-0.log\"],"
                + "\"instances\":[{\"index\":0,\"pid\":42,\"state\":\"running\",\"adopted\":true,\"cpu_percent\":1.5,\"memory_bytes\":null}],"
                + "\"events\":[{\"at_ms\":1000,\"instance\":null,\"kind\":\"start\",\"message\":\"started\"}]}"));
        AppReply.Instance i = a.instances().get(0);
        assertEquals(42L, i.pid());
        assertTrue(i.adopted());
        assertEquals("1.5%", i.cpu());
        assertEquals("-", i.memory(), "not measured yet");
        assertEquals(List.of("/l/web-0.log"), a.logFiles());
        assertEquals(new EventReply(1000L, null, null, "start", "started"), a.events().get(0));
    }
}
