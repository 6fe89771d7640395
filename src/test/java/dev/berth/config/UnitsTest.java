package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations, sizes and cron expressions: the small value types of berth.yml. */
class UnitsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
            500ms   | 500
            10s     | 10000
            5m      | 300000
            1h      | 3600000
            2d      | 172800000
            1m30s   | 90000
            1h0m5s  | 3605000
            0s      | 0
            ' 10s ' | 10000
            """)
    void parsesDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            10          | add a unit
            -5s         | expected a duration like 500ms, 10s, 5m, 1h or 2d
            5 minutes   | expected a duration like 500ms, 10s, 5m, 1h or 2d
            1.5s        | got "1.5s"
            10S         | expected a duration
            5w          | expected a duration
            ''          | expected a duration
            99999999999999999999d | too large
            """)
    void rejectsBadDurations(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            90000      | 1m30s
            100        | 100ms
            86400000   | 1d
            3605000    | 1h5s
            0          | 0s
            """)
    void formatsDurationsBackToText(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
            512K  | 524288
            500M  | 524288000
            500MB | 524288000
            500mb | 524288000
            1G    | 1073741824
            1g    | 1073741824
            2T    | 2199023255552
            100B  | 100
            """)
    void parsesSizes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            500        | add a unit, like 500M
            500X       | expected a size like 512K, 500M, 1G or 2T
            -1G        | expected a size like
            1.5G       | got "1.5G"
            ''         | expected a size like
            99999999T  | too large
            """)
    void rejectsBadSizes(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1073741824 | 1G
            1572864    | 1536K
            1000       | 1000B
            """)
    void formatsSizes(long bytes, String text) {
        assertEquals(text, Sizes.format(bytes));
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 3 * * *        | 0 3 * * *
            */15 * * * 1-5   | */15 * * * 1-5
            0 0 1 1 *        | 0 0 1 1 *
            """)
    void validatesCron(String expr, String normalized) {
        assertEquals(normalized, CronExpressions.validate(expr));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *      | 61
            0 3 * *         | 5-field cron expression
            0 0 3 * * *     | 5-field cron expression
            every day       | 5-field cron expression
            ''              | got nothing
            """)
    void rejectsBadCron(String expr, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronExpressions.validate(expr));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void nextCronFireTimeIsStrictlyAfterTheGivenTime() {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        ZonedDateTime t = ZonedDateTime.of(2025, 3, 10, 2, 59, 0, 0, zone);
        assertEquals(ZonedDateTime.of(2025, 3, 10, 3, 0, 0, 0, zone), CronExpressions.nextAfter("0 3 * * *", t));
        ZonedDateTime atThree = ZonedDateTime.of(2025, 3, 10, 3, 0, 0, 0, zone);
        assertEquals(ZonedDateTime.of(2025, 3, 11, 3, 0, 0, 0, zone), CronExpressions.nextAfter("0 3 * * *", atThree));
    }

    @Test
    void cronThatNeverFiresHasNoNextTime() {
        assertNull(CronExpressions.nextAfter("0 0 30 2 *", ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"))));
    }
}
