package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPathTest {
    private static final Object DOC = Json.read("""
            {"status": "up", "count": 3, "ratio": 0.5, "none": null,
             "data": {"items": [{"ok": true}, {"ok": false, "name": "b"}]},
             "key.with.dots": "x", "list": [10, 20, 30]}
            """);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            $.status              | "up"
            status                | "up"
            .status               | "up"
            $.count               | 3
            $.ratio               | 0.5
            data.items[0].ok      | true
            $.data.items[1].name  | "b"
            $.list[2]             | 30
            $["key.with.dots"]    | "x"
            $['key.with.dots']    | "x"
            $.data.items[1]       | {"ok":false,"name":"b"}
            """)
    void findsTheValue(String path, String json) {
        JsonPath p = JsonPath.parse(path);
        assertTrue(p.has(DOC));
        assertEquals(json, Json.write(p.get(DOC)));
    }

    @Test
    void theRootIsTheWholeDocument() {
        assertEquals(DOC, JsonPath.parse("$").get(DOC));
    }

    @Test
    void nullIsPresentButMissingIsNot() {
        assertTrue(JsonPath.parse("$.none").has(DOC));
        for (String missing : new String[] {"$.nope", "$.list[3]", "$.status.deeper", "$.data[0]", "$.list.x"}) {
            assertFalse(JsonPath.parse(missing).has(DOC), missing);
        }
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @CsvSource(delimiter = '|', textBlock = """
            ''
            $status
            $.a..b
            $.a[
            $.a[x]
            $.a[-1]
            $.a.
            """)
    void badPathsAreRefusedWithThePosition(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(path));
        assertTrue(e.getMessage().contains("JSON path"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            "up"  | up      | true
            "up"  | "up"    | true
            "up"  | down    | false
            3     | 3.0     | true
            3     | 4       | false
            true  | true    | true
            true  | "true"  | false
            null  | null    | true
            [1,2] | [1, 2]  | true
            """)
    void expectedValuesCompareAsJson(String actualJson, String expected, boolean same) {
        assertEquals(same, HttpProbe.sameJson(Json.read(actualJson), expected));
    }
}
