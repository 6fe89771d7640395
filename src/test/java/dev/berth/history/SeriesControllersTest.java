package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.ApiError;
import dev.berth.api.ApiServer;
import dev.berth.api.SeriesControllers;
import dev.berth.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GET /api/v1/series as its handler answers it: the parameters as the query string gives them, the JSON it writes. */
class SeriesControllersTest {
    static final long T0 = TestClock.START;

    @TempDir Path tmp;
    final TestClock clock = new TestClock();
    MetricsHistory history;
    SeriesControllers api;

    @BeforeEach void fill() throws Exception {
        history = MetricsHistory.open(tmp.resolve("history.db"), clock);
        for (int i = 0; i < 360; i++) { // an hour
            clock.set(T0 + i * 10_000L);
            history.record("app/web/0/cpu", clock.millis(), i % 10);
            history.record("app/web/0/rss", clock.millis(), 100 << 20);
            history.record("app/web.v2/0/cpu", clock.millis(), 1);
            history.record("host/load1", clock.millis(), 0.5);
            clock.advance(Duration.ofMillis(10_500));
            history.flush();
        }
        clock.set(T0 + Duration.ofHours(1).toMillis());
        api = new SeriesControllers(history, clock);
    }

    @AfterEach void close() {
        history.close();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> get(String... keyValues) throws Exception {
        Map<String, Object> query = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) query.put(keyValues[i], keyValues[i + 1]);
        Object answer = api.series(new ApiServer.Request("GET", "/api/v1/series", List.of(), query));
        return Json.readMap(Json.write(answer)); // what the dashboard receives
    }

    @SuppressWarnings("unchecked")
    @Test void aPrefixOverTheLastHourAnswersEveryPointOfEachSeriesOfTheApp() throws Exception {
        Map<String, Object> a = get("prefix", "app/web", "from", "-1h");
        assertEquals("10s", a.get("tier"));
        assertEquals(10_000L, ((Number) a.get("step_ms")).longValue());
        assertEquals(T0, ((Number) a.get("from")).longValue());
        List<Map<String, Object>> series = (List<Map<String, Object>>) a.get("series");
        assertEquals(List.of("app/web/0/cpu", "app/web/0/rss"), series.stream().map(s -> s.get("name")).toList(), "not app/web.v2");
        assertEquals("%", series.get(0).get("unit"));
        List<List<Object>> cpu = (List<List<Object>>) series.get(0).get("points");
        assertEquals(360, cpu.size());
        assertEquals(List.of(T0 + 30_000, 3.0, 3.0), cpu.get(3).stream().map(SeriesControllersTest::number).toList());
        List<List<Object>> rss = (List<List<Object>>) series.get(1).get("points");
        assertEquals(List.of(T0, 104_857_600L, 104_857_600L), rss.get(0).stream().map(SeriesControllersTest::number).toList(), "bytes as whole numbers");
        assertTrue(Json.write(api.series(new ApiServer.Request("GET", "/api/v1/series", List.of(), Map.of("prefix", "app/web/0/rss"))))
                .contains("[" + T0 + ",104857600,104857600]"), "written without a fraction");
    }

    static Object number(Object o) {
        return o instanceof Double d ? d : (Object) ((Number) o).longValue();
    }

    @SuppressWarnings("unchecked")
    @Test void namesAStepAndAbsoluteTimes() throws Exception {
        Map<String, Object> a = get("name", "app/web/0/cpu, host/load1", "from", String.valueOf(T0), "to", "2023-11-14T22:30:00Z", "step", "5m");
        assertEquals("5m", a.get("tier"));
        List<Map<String, Object>> series = (List<Map<String, Object>>) a.get("series");
        assertEquals(List.of("app/web/0/cpu", "host/load1"), series.stream().map(s -> s.get("name")).toList());
        List<List<Object>> cpu = (List<List<Object>>) series.get(0).get("points");
        assertEquals(6, cpu.size(), "T0 is 22:00Z: six buckets of 5 min");
        assertEquals(List.of(T0, 4.5, 9.0), cpu.get(0).stream().map(SeriesControllersTest::number).toList());
    }

    @SuppressWarnings("unchecked")
    @Test void pointsMakesASparkline() throws Exception {
        Map<String, Object> a = get("prefix", "host", "points", "12");
        assertEquals(300_000L, ((Number) a.get("step_ms")).longValue());
        List<Map<String, Object>> series = (List<Map<String, Object>>) a.get("series");
        assertTrue(((List<?>) series.get(0).get("points")).size() <= 13);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "prefix=app/web,from=yesterday | from: expected epoch milliseconds, an ISO-8601 instant (2025-01-31T12:00:00Z), \"now\" or a time ago like -1h, -24h, -7d, got \"yesterday\"",
            "prefix=app/web,from=-1 | from: expected a duration like 500ms, 10s, 5m, 1h or 2d (or combined, like 1m30s), got \"1\" (add a unit)",
            "prefix=app/web,to=-2h,from=-1h | from (",
            "prefix=app/web,step=fast | step: expected a duration like 10s, 5m or 1h, or milliseconds, got \"fast\"",
            "prefix=app/web,step=500 | step must be at least 1s, got 500 ms",
            "prefix=app/web,points=many | points: expected a whole number of points per series (1 to 1000), got \"many\"",
            "prefix=app/web,points=0 | points must be at least 1, got 0",
            "from=-1h | name or prefix is required",
            "prefix=apps | prefix \"apps\" starts with \"apps\"; series start with app, host or check",
            "name=app/web/cpu | name \"app/web/cpu\" is not a series name; expected app/APP/INDEX/cpu"})
    void aBadParameterIsA400NamingIt(String query, String message) {
        Map<String, Object> q = new LinkedHashMap<>();
        for (String kv : query.split(",")) q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        ApiError e = assertThrows(ApiError.class, () -> api.series(new ApiServer.Request("GET", "/api/v1/series", List.of(), q)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
