package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One cache for the whole daemon: each reading of a file (its profile, its variables) is parsed once until the file changes. */
class ConfigCacheTest {
    @TempDir Path dir;

    @Test void readingsWithAnotherProfileDoNotReplaceEachOther() throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, "apps:\n  web:\n    run: node server.js\n");
        ConfigCache cache = new ConfigCache(dir.resolve("logs"));
        AtomicInteger parses = new AtomicInteger();
        ConfigCache.Parser parser = () -> {
            parses.incrementAndGet();
            return new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null);
        };
        BerthFile plain = cache.load(file, null, Map.of(), parser);
        assertSame(plain, cache.load(file, null, Map.of(), parser));
        cache.load(file, "production", Map.of(), parser);
        cache.load(file, null, Map.of("TOKEN", "t"), parser);
        assertEquals(3, parses.get(), "one parse per reading");
        assertSame(plain, cache.load(file, null, Map.of(), parser), "the other readings did not push it out");
        assertEquals(3, parses.get());
        assertSame(plain, cache.lastGood(file, Map.of()));
        assertNull(cache.lastGood(file, Map.of("OTHER", "x")), "no other caller's reading");

        Files.writeString(file, "apps:\n  web:\n    run: node server.js --port 3000\n");
        cache.load(file, null, Map.of(), parser);
        assertEquals(4, parses.get(), "an edit parses again");
        cache.forget(file);
        assertNull(cache.lastGood(file, Map.of()));
    }
}
