package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Series names: the forms that are accepted, and what a refusal says (one line each). */
class SeriesNamesTest {

    @ParameterizedTest
    @CsvSource({
            "app/web/0/cpu, CPU", "app/web.v2/12/rss, RSS", "app/a_b-c/0/cpu, CPU",
            "host/cpu, CPU", "host/mem, MEM", "host/load1, LOAD1", "host/disk, DISK",
            "check/api/latency, LATENCY", "check/tls:example.com/latency, LATENCY", "check/app:web/latency, LATENCY"})
    void acceptsEachForm(String name, SeriesNames.Metric metric) {
        assertEquals(metric, SeriesNames.metric("name", name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "app/web/cpu                      | is not a series name; expected app/APP/INDEX/cpu",
            "app/web/01/cpu                   | is not a series name",
            "app/web/0/latency                | is not a series name",
            "host/swap                        | is not a series name",
            "check/api                        | is not a series name",
            "web/0/cpu                        | starts with \"web\"; series start with app, host or check",
            "app/Web/0/cpu                    | segment \"Web\" is not a name",
            "app/web'; DROP TABLE series;--/0/cpu | segment \"web'; DROP TABLE series;--\" is not a name",
            "app/w%b/0/cpu                    | segment \"w%b\" is not a name",
            "app//0/cpu                       | segment \"\" is not a name",
            "host/cpu/                        | segment \"\" is not a name"})
    void refusesWithTheFormsInTheMessage(String name, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeriesNames.require("name", name));
        assertTrue(e.getMessage().startsWith("name "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"app, app", "app/web, app/web", "app/web/, app/web", "app/web/0, app/web/0", "app/web/0/cpu, app/web/0/cpu",
            "host, host", "check/api, check/api"})
    void prefixesAreWholeSegments(String prefix, String kept) {
        assertEquals(kept, SeriesNames.requirePrefix("prefix", prefix));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "apps", "app/web/x", "host/cpu/x", "app/web/0/cpu/x", "app/%"})
    void refusesPrefixesThatCanMatchNothing(String prefix) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeriesNames.requirePrefix("prefix", prefix));
        assertTrue(e.getMessage().startsWith("prefix"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongNames() {
        String name = "app/" + "a".repeat(100) + "/0/" + "b".repeat(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeriesNames.require("name", name));
        assertTrue(e.getMessage().contains("at most " + SeriesNames.MAX_LENGTH), e.getMessage());
    }
}
