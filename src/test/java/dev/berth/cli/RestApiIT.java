package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's curl lines, as written, against a real daemon. */
class RestApiIT extends BerthIT {
    @SuppressWarnings("unchecked")
    @Test void theReadmesCurlLinesWork() throws Exception {
        String readme = Files.readString(BerthRun.ROOT.resolve("README.md"));
        int section = readme.indexOf("## REST API");
        assertTrue(section >= 0, "README.md has a REST API section");
        int from = readme.indexOf("```sh\n", section) + "```sh\n".length();
        List<String> lines = readme.substring(from, readme.indexOf("```", from)).lines().toList();
        assertEquals(3, lines.size(), lines.toString());

        berth.writeConfig("""
                apps:
                  web:
                    run: sleep 300
                    min_uptime: 200ms
                """);
        berth.ok("start");
        long pid = berth.pid("web", 0);

        Map<String, Object> apps = Json.readMap(sh(lines.get(0) + "\n" + lines.get(1)));
        assertEquals("web", ((Map<String, Object>) ((List<Object>) apps.get("apps")).get(0)).get("name"), apps.toString());
        Map<String, Object> restarted = Json.readMap(sh(lines.get(0) + "\n" + lines.get(2)));
        assertEquals(true, restarted.get("ok"), restarted.toString());
        assertNotEquals(pid, berth.pid("web", 0), "restarted");
    }

    private String sh(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -e\n" + script).redirectErrorStream(true);
        pb.environment().put("BERTH_HOME", berth.home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
