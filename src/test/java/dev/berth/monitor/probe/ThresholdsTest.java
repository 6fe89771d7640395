package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

    @ParameterizedTest(name = "{0} vs warn 1000 crit 3000 -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            12    | OK       | < 1000 ms (ok)
            999.4 | OK       | < 1000 ms (ok)
            1000  | WARNING  | >= 1000 ms (warning)
            1200  | WARNING  | > 1000 ms (warning)
            3000  | CRITICAL | >= 3000 ms (critical)
            3412  | CRITICAL | > 3000 ms (critical)
            """)
    void higherIsWorse(double value, CheckState state, String verdict) {
        Thresholds t = Thresholds.above(1000.0, 3000.0);
        assertEquals(state, t.state(value));
        assertEquals(verdict, t.verdict(value, "ms"));
    }

    @ParameterizedTest(name = "{0} days vs warn 14 crit 7 -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            90   | OK       | > 14 days (ok)
            14   | WARNING  | <= 14 days (warning)
            8.5  | WARNING  | < 14 days (warning)
            2.99 | CRITICAL | < 7 days (critical)
            """)
    void lowerIsWorse(double value, CheckState state, String verdict) {
        Thresholds t = Thresholds.below(14.0, 7.0);
        assertEquals(state, t.state(value));
        assertEquals(verdict, t.verdict(value, "days"));
    }

    @Test
    void aMissingLimitIsNotChecked() {
        Thresholds criticalOnly = Thresholds.above(null, 3000.0);
        assertEquals(CheckState.OK, criticalOnly.state(2999));
        assertEquals("< 3000 ms (ok)", criticalOnly.verdict(2999, "ms"), "names the only limit there is");
        assertEquals(CheckState.CRITICAL, criticalOnly.state(3001));
        Thresholds none = Thresholds.above(null, null);
        assertEquals(CheckState.OK, none.state(1e12));
        assertEquals("(ok)", none.verdict(1e12, "%"));
    }

    @Test
    void limitsInTheWrongOrderAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Thresholds.above(95.0, 80.0));
        assertThrows(IllegalArgumentException.class, () -> Thresholds.below(7.0, 14.0));
        assertThrows(IllegalArgumentException.class, () -> Thresholds.above(Double.NaN, 1.0));
    }

    @Test
    void worstIsTheMoreSevere() {
        assertEquals(CheckState.CRITICAL, CheckState.worst(CheckState.WARNING, CheckState.CRITICAL));
        assertEquals(CheckState.WARNING, CheckState.worst(CheckState.WARNING, CheckState.OK));
        assertEquals(CheckState.OK, CheckState.worst(CheckState.OK, CheckState.OK));
    }

    @ParameterizedTest(name = "{0} {1} -> \"{2}\"")
    @CsvSource(delimiter = '|', textBlock = """
            3412     | ms   | 3412 ms
            3412.6   | ms   | 3413 ms
            87.333   | %    | 87.3%
            1.5      | ''   | 1.5
            2.999988 | days | 3 days
            0.041    | %    | 0.04%
            -3.25    | days | -3.25 days
            """)
    void numbersReadAsAPersonWritesThem(double value, String unit, String expected) {
        assertEquals(expected, Quantities.format(value, unit));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"PT5M, 5m", "PT30S, 30s", "PT1H30M, 1h30m", "PT0.25S, 250ms", "PT90S, 1m30s"})
    void durationsReadAsInConfig(Duration d, String expected) {
        assertEquals(expected, Quantities.duration(d));
    }
}
