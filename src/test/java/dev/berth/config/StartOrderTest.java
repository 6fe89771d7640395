package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** after: names apps of the file, never the app itself, never a circle. */
class StartOrderTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `web: {run: ./w, after: [dbb]}\\n  db: {run: ./d}`          | 2:26: apps.web.after: no app named "dbb" in this file's apps; did you mean "db"?
            `web: {run: ./w, after: [web]}`                            | apps.web.after: an app cannot start after itself
            `a: {run: ./a, after: [b]}\\n  b: {run: ./b, after: [c]}\\n  c: {run: ./c, after: [a]}` | apps.a.after: the apps wait for each other in a circle: a -> b -> c -> a
            `web: {run: ./w, after: {db: 1}}\\n  db: {run: ./d}`       | apps.web.after: expected a list of strings or one string
            """)
    void problems(String apps, String expected) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, "apps:\n  " + apps.replace("\\n", "\n") + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null));
        assertTrue(e.getMessage().contains(expected), () -> "expected\n  " + expected + "\nin\n  " + e.getMessage());
    }

    @Test void afterIsKeptInOrder() throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, "apps:\n  db: {run: ./d}\n  cache: {run: ./c}\n  web: {run: ./w, after: [db, cache]}\n");
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null);
        assertEquals(List.of("db", "cache"), f.app("web").orElseThrow().after());
        assertEquals(List.of(), f.app("db").orElseThrow().after());
    }
}
