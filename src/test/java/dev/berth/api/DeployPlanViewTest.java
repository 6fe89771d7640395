package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.deploy.DeployPlan;
import dev.berth.json.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's JSON, key for key and in order, as `berth deploy --dry-run --json` has printed it. */
class DeployPlanViewTest {
    private static DeployPlan plan(DeployPlan.GitPlan git) {
        return new DeployPlan("web", Path.of("/srv/web"), "git https://example.com/web.git (main)", null, git,
                List.of(new DeployPlan.PlannedStep("build", "make", "5m", null), new DeployPlan.PlannedStep("test", "make test", "10m", "--skip-tests")),
                List.of("echo before"), List.of(), "none: the app has no deploy.backup", "none: the app has no port", "restart",
                "every instance ready, then 10s under watch", List.of("20260101-000000"));
    }

    @Test
    void aGitPlanHasItsCommitsBetweenTheLiveReleaseAndTheSteps() {
        String json = Json.write(DeployPlanView.of(plan(new DeployPlan.GitPlan("main", "abc", null, List.of("abc first"), null))));
        assertEquals("{\"app\":\"web\",\"path\":\"/srv/web\",\"source\":\"git https://example.com/web.git (main)\",\"live_release\":null,"
                + "\"ref\":\"main\",\"commit\":\"abc\",\"live_commit\":null,\"commits\":[\"abc first\"],"
                + "\"steps\":[{\"step\":\"build\",\"command\":\"make\",\"timeout\":\"5m\"},"
                + "{\"step\":\"test\",\"command\":\"make test\",\"timeout\":\"10m\",\"skipped\":\"--skip-tests\"}],"
                + "\"before_switch\":[\"echo before\"],\"after_switch\":[],\"backups\":\"none: the app has no deploy.backup\","
                + "\"preflight\":\"none: the app has no port\",\"restart\":\"restart\","
                + "\"health_gate\":\"every instance ready, then 10s under watch\",\"prune\":[\"20260101-000000\"]}", json);
    }

    @Test
    void aNoteIsThereOnlyWhenThereIsOneAndOtherSourcesHaveNoGitKeys() {
        String noted = Json.write(DeployPlanView.of(plan(new DeployPlan.GitPlan("main", "abc", "abc", List.of(), "already live"))));
        assertEquals(true, noted.contains("\"commits\":[],\"note\":\"already live\",\"steps\""), noted);
        String dir = Json.write(DeployPlanView.of(plan(null)));
        assertEquals(true, dir.contains("\"live_release\":null,\"steps\""), dir);
    }
}
