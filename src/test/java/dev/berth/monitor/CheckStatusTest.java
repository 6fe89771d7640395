package dev.berth.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edges of a check's state: named after them, as supervisord's tests are. */
class CheckStatusTest {
    private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

    private static ProbeResult r(CheckState s) {
        return new ProbeResult(s, 1.0, "ms", s.label(), 1);
    }

    @Test void okToCriticalOnlyAfterFailuresInARow() {
        CheckStatus c = CheckStatus.fresh("api", t0);
        assertNull(c.record(r(CheckState.CRITICAL), 3, t0.plusSeconds(1)));
        assertNull(c.record(r(CheckState.CRITICAL), 3, t0.plusSeconds(2)));
        CheckStatus.Transition t = c.record(r(CheckState.CRITICAL), 3, t0.plusSeconds(3));
        assertNotNull(t);
        assertEquals(CheckState.OK, t.from());
        assertEquals(CheckState.CRITICAL, t.to());
        assertEquals(t0.plusSeconds(3), c.since());
    }

    @Test void aGoodResultBetweenFailuresStartsTheCountAgain() {
        CheckStatus c = CheckStatus.fresh("api", t0);
        c.record(r(CheckState.CRITICAL), 2, t0);
        assertNull(c.record(r(CheckState.OK), 2, t0.plusSeconds(1)));
        assertNull(c.record(r(CheckState.CRITICAL), 2, t0.plusSeconds(2)), "a flap is not an outage");
        assertEquals(CheckState.OK, c.state());
    }

    @Test void criticalToOkAtOnceAsARecovery() {
        CheckStatus c = CheckStatus.fresh("api", t0);
        c.record(r(CheckState.CRITICAL), 1, t0);
        CheckStatus.Transition t = c.record(r(CheckState.OK), 5, t0.plusSeconds(1));
        assertNotNull(t);
        assertTrue(t.recovery());
    }

    @Test void warningToCriticalIsAnotherChange() {
        CheckStatus c = CheckStatus.fresh("disk", t0);
        assertEquals(CheckState.WARNING, c.record(r(CheckState.WARNING), 1, t0).to());
        assertNull(c.record(r(CheckState.WARNING), 1, t0.plusSeconds(1)), "the same state again is no change");
        assertEquals(CheckState.CRITICAL, c.record(r(CheckState.CRITICAL), 1, t0.plusSeconds(2)).to());
    }

    @Test void healthIsTheWorstState() {
        assertEquals(Health.HEALTHY, Health.of(List.of(CheckState.OK, CheckState.OK)));
        assertEquals(Health.WARNING, Health.of(List.of(CheckState.OK, CheckState.WARNING)));
        assertEquals(Health.UNHEALTHY, Health.of(List.of(CheckState.WARNING, CheckState.CRITICAL)));
        assertEquals(2, Health.UNHEALTHY.exitCode());
    }
}
