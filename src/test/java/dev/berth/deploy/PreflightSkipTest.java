package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules that leave out a preflight or a build step, as data. */
class PreflightSkipTest {
    @Test
    void aPreflightNeedsItToBeOnAndAPort() {
        assertEquals(Optional.empty(), PreflightSkip.of(DeployFixtures.app(8080, DeployFixtures.deploy("/health", true))));
        assertEquals(Optional.of(PreflightSkip.DISABLED), PreflightSkip.of(DeployFixtures.app(8080, DeployFixtures.deploy(null, false))));
        assertEquals(Optional.of(PreflightSkip.NO_PORT), PreflightSkip.of(DeployFixtures.app(null, DeployFixtures.deploy(null, true))));
        assertEquals(Optional.of(PreflightSkip.DISABLED), PreflightSkip.of(DeployFixtures.app(null, DeployFixtures.deploy(null, false))),
                "off wins over no port");
    }

    @Test
    void thePlanAndTheStepLogSayItTheirOwnWay() {
        assertEquals("none (deploy.preflight: false)", PreflightSkip.DISABLED.inPlan);
        assertEquals("skipped: deploy.preflight is false", PreflightSkip.DISABLED.inLog);
        assertEquals("none: the app has no port", PreflightSkip.NO_PORT.inPlan);
        assertEquals("skipped: the app has no port to give a second process", PreflightSkip.NO_PORT.inLog);
    }

    @Test
    void onlyTestAndBuildCanBeSkippedAndOnlyByTheirFlag() {
        assertEquals("--skip-tests", DeployPipeline.skipReason("test", DeployFixtures.request(true, false)));
        assertEquals("--skip-build", DeployPipeline.skipReason("build", DeployFixtures.request(false, true)));
        assertNull(DeployPipeline.skipReason("build", DeployFixtures.request(true, false)));
        assertNull(DeployPipeline.skipReason("migrate", DeployFixtures.request(true, true)));
    }
}
