package dev.berth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void streamsALargeValueInPiecesBetweenItemsAndLeavesASmallOneWhole() throws Exception {
        assertEquals("[0.1,1.5,-12,3,7,1.0E20,2.0,null]", Json.write(List.of(0.1f, 1.5, -12L, (short) 3, (byte) 7, 1e20, 2.0, Double.NaN)),
                "numbers as before the primitive appends");
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) rows.add(List.of(i, "r\u00e9\"" + i, i / 3.0));
        Map<String, Object> big = new LinkedHashMap<>();
        big.put("name", "x");
        big.put("rows", rows);
        List<String> pieces = new ArrayList<>();
        String rest = Json.stream(big, 1_000, piece -> pieces.add(piece.toString()));
        assertTrue(pieces.size() > 20, pieces.size() + " pieces");
        for (String p : pieces) assertTrue(p.length() >= 1_000 && p.length() < 1_100, "a piece of " + p.length() + " characters");
        assertEquals(Json.write(big), String.join("", pieces) + rest);

        List<String> none = new ArrayList<>();
        assertEquals(Json.write(Map.of("a", List.of(1, 2))), Json.stream(Map.of("a", List.of(1, 2)), 1_000, piece -> none.add(piece.toString())));
        assertEquals(List.of(), none, "what fits one piece is returned, never handed on");
    }

    @Test
    void readsEveryKindOfValue() {
        Map<String, Object> m = Json.readMap(" {\"s\": \"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\", \"i\": -12, \"l\": 12345678901,"
                + " \"big\": 123456789012345678901234567890, \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null,"
                + " \"a\": [1, [], {}], \"o\": {\"k\": [\"v\"]}}\n");
        assertEquals("a\"b\\c/d\né😀", m.get("s"));
        assertEquals(-12, m.get("i"));
        assertEquals(12345678901L, m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234567890"), m.get("big"));
        assertEquals(1500.0, m.get("d"));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(List.of(1, List.of(), Map.of()), m.get("a"));
        assertEquals(Map.of("k", List.of("v")), m.get("o"));
        assertEquals(List.of("s", "i", "l", "big", "d", "t", "f", "n", "a", "o"), new ArrayList<>(m.keySet()), "members keep their order");
        assertEquals(2147483647, Json.read("2147483647"));
        assertEquals(2147483648L, Json.read("2147483648"));
        assertEquals(Long.MIN_VALUE, Json.read("-9223372036854775808"));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 line-sep \u2028 é😀");
        m.put("ints", List.of(0, -1, Integer.MAX_VALUE, Long.MAX_VALUE));
        m.put("doubles", Arrays.asList(0.5, 3.0, 1e300, -2.25e-7, Double.NaN));
        m.put("nested", Map.of("empty_list", List.of(), "empty_map", Map.of()));
        m.put("null", null);
        m.put("path", Path.of("/tmp/x"));
        String compact = Json.write(m);
        String pretty = Json.pretty(m);
        assertTrue(compact.contains("bell \\u0007 line-sep \\u2028 é😀\""), compact);
        assertTrue(pretty.contains("\n  \"ints\": [\n    0,\n    -1,"), pretty);
        for (String text : List.of(compact, pretty)) {
            Map<String, Object> back = Json.readMap(text);
            assertEquals(m.get("text"), back.get("text"));
            assertEquals(m.get("ints"), back.get("ints"));
            assertEquals(Arrays.asList(0.5, 3.0, 1e300, -2.25e-7, null), back.get("doubles"), "NaN is written as null");
            assertEquals(m.get("nested"), back.get("nested"));
            assertEquals("/tmp/x", back.get("path"));
        }
        assertEquals("[]", Json.write(List.of()));
        assertEquals("{}", Json.pretty(Map.of()));
    }

    @Test
    void refusesMalformedTextWithWhere() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]", "tru", "\"abc",
                "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "[1] 2", "{\"a\":1 \"b\":2}", "NaN", "[+1]", "{\"a\":1,\"a\":2}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read("{\n  \"a\": [1, 2,, 3]\n}"));
        assertEquals("invalid JSON at line 2, column 14: unexpected character ','", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.readMap("[1]")).getMessage().contains("expected an object"));
        assertThrows(IllegalArgumentException.class, () -> Json.read("[".repeat(Json.MAX_DEPTH + 2)));
    }
}
