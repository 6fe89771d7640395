package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which tier and step answer a range: one line per chart the dashboard draws. */
class QueryPlanTest {
    static final long NOW = TestClock.START + 123_456; // not on any boundary

    static Stream<Arguments> plans() {
        return Stream.of(
                // range ago, range length, step asked (s, 0 = none), most points → tier, step (s)
                Arguments.of("1h", "1h", 0, 1000, Tier.RAW, 10),
                Arguments.of("6h", "6h", 0, 1000, Tier.RAW, 30),
                Arguments.of("24h", "24h", 0, 1000, Tier.MINUTE, 120),
                Arguments.of("48h", "48h", 0, 1000, Tier.FIVE_MINUTES, 300),
                Arguments.of("7d", "7d", 0, 1000, Tier.FIVE_MINUTES, 900),
                Arguments.of("30d", "30d", 0, 1000, Tier.HOUR, 3600),
                Arguments.of("90d", "90d", 0, 1000, Tier.HOUR, 10800), // older than any tier: what the coarsest has
                Arguments.of("10d", "1d", 0, 1000, Tier.FIVE_MINUTES, 300), // one day, ten days ago: the finest tier that holds it
                Arguments.of("10d", "1d", 3600, 1000, Tier.HOUR, 3600),
                Arguments.of("24h", "24h", 10, 1000, Tier.MINUTE, 120), // 10 s would be 8,640 points: widened
                Arguments.of("24h", "24h", 300, 1000, Tier.FIVE_MINUTES, 300),
                Arguments.of("1h", "1h", 60, 1000, Tier.MINUTE, 60),
                Arguments.of("1h", "1h", 420, 1000, Tier.MINUTE, 420), // 7 min is no whole number of 5 min buckets
                Arguments.of("24h", "24h", 0, 60, Tier.FIVE_MINUTES, 1800), // a sparkline of 60 points
                Arguments.of("1h", "1h", 0, 60, Tier.MINUTE, 60),
                Arguments.of("1h", "1h", 15, 1000, Tier.RAW, 20)); // whole 10 s buckets
    }

    @ParameterizedTest(name = "-{0} for {1}, step {2}s, {3} points: {4} at {5}s")
    @MethodSource("plans")
    void picksTheCoarsestTierWhoseBucketsFitTheStep(String ago, String length, long step, int most, Tier tier, long expectedStep) {
        long from = NOW - duration(ago);
        long to = from + duration(length);
        QueryPlan p = QueryPlan.choose(from, to, step == 0 ? null : step * 1000, most, NOW);
        assertEquals(tier, p.tier());
        assertEquals(expectedStep, p.stepSeconds());
        assertEquals(0, p.stepSeconds() % p.tier().seconds, "whole buckets of the tier");
        assertEquals(0, p.fromSeconds() % p.stepSeconds(), "from aligned to the step");
        long buckets = Math.ceilDiv(p.toSeconds() - p.fromSeconds(), p.stepSeconds());
        assertTrue(buckets <= most + 1, buckets + " buckets, at most " + most + " and a partial one");
    }

    private static long duration(String s) {
        return dev.berth.config.Durations.parse(s).toMillis();
    }

    @ParameterizedTest(name = "{0} points")
    @MethodSource("counts")
    void neverMoreBucketsThanAllowedWhateverTheRange(int most) {
        for (long range = 1_000; range < Duration.ofDays(400).toMillis(); range = range * 3 + 7_777) {
            QueryPlan p = QueryPlan.choose(NOW - range, NOW, null, most, NOW);
            long buckets = Math.ceilDiv(p.toSeconds() - p.fromSeconds(), p.stepSeconds());
            assertTrue(buckets <= most + 1, "range " + range + " ms: " + buckets + " buckets at step " + p.stepSeconds());
        }
    }

    static Stream<Integer> counts() {
        return Stream.of(1, 7, 60, 1000);
    }
}
