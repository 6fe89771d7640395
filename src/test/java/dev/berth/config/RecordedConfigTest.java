package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded copy of a berth.yml and its env files: sealed on disk, loaded as the original with the key, refused without it. */
class RecordedConfigTest {
    @TempDir Path dir;

    @Test void theCopyIsSealedAndLoadsOnlyWithTheKey() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("app.env"), "TOKEN=from-the-env-file\n");
        Path config = project.resolve("berth.yml");
        Files.writeString(config, "apps:\n  web:\n    run: node server.js\n    env_file: app.env\n"
                + "    env: { LITERAL: literal-value, FROM_SHELL: \"${SHELL_VALUE}\" }\n");
        Map<String, String> vars = Map.of("SHELL_VALUE", "from-the-shell");
        Path logs = dir.resolve("logs");
        SecretBox box = SecretBox.loadOrCreate(dir.resolve("secret.key"));
        BerthFile file = new BerthFileLoader(vars, logs).load(config, null);

        Path copy = RecordedConfig.record(dir.resolve("last-good/web"), file, null, vars, box);
        try (var files = Files.list(copy.getParent())) {
            for (Path f : files.toList()) {
                String content = Files.readString(f, StandardCharsets.ISO_8859_1);
                for (String secret : new String[] {"literal-value", "from-the-env-file", "from-the-shell"}) {
                    assertFalse(content.contains(secret), f.getFileName() + " holds " + secret);
                }
            }
        }
        assertTrue(SecretBox.isSealed(Files.readAllBytes(copy)), "the berth.yml copy is sealed");

        BerthFile loaded = RecordedConfig.of(copy, box).orElseThrow().load(logs, box);
        Map<String, String> env = loaded.app("web").orElseThrow().env();
        assertEquals("literal-value", env.get("LITERAL"));
        assertEquals("from-the-env-file", env.get("TOKEN"));
        assertEquals("from-the-shell", env.get("FROM_SHELL"));
        assertEquals(project.resolve("server.js").getParent(), loaded.app("web").orElseThrow().cwd(), "as if in its original directory");

        ConfigException without = assertThrows(ConfigException.class, () -> new BerthFileLoader(vars, logs).load(copy, null));
        assertTrue(without.problems().get(0).toString().contains("sealed by Berth"), without.problems().toString());
    }
}
