package dev.berth.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantilesTest {
    @Test void anEmptySampleIsZero() {
        assertEquals(0, Quantiles.nearestRank(new long[0], 0.5));
        assertEquals(0, Quantiles.nearestRank(new long[0], 1.0));
    }

    @Test void nearestRankIsAMeasuredValue() {
        long[] sorted = {10, 20, 30, 40};
        assertEquals(20, Quantiles.nearestRank(sorted, 0.5));
        assertEquals(40, Quantiles.nearestRank(sorted, 0.99));
        assertEquals(40, Quantiles.nearestRank(sorted, 1.0));
        assertEquals(10, Quantiles.nearestRank(sorted, 0.01));
    }

    @Test void oneValueIsEveryQuantile() {
        for (double q : new double[] {0.01, 0.5, 0.99, 1.0}) assertEquals(7, Quantiles.nearestRank(new long[] {7}, q));
    }

    @Test void aZeroQuantileIsTheMinimum() {
        assertEquals(3, Quantiles.nearestRank(new long[] {3, 5}, 0.0));
    }

    @Test void theMaximumIsLabelledOne() {
        assertEquals("1", PrometheusMetrics.quantileLabel(1.0));
        assertEquals("0.5", PrometheusMetrics.quantileLabel(0.5));
        assertEquals("0.99", PrometheusMetrics.quantileLabel(0.99));
    }
}
