package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's REST section lists every route ApiServer registers, and nothing it does not. */
class ApiDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("berth.root", ".")).toAbsolutePath();

    @Test void theReadmeListsEveryRoute() throws Exception {
        String server = Files.readString(ROOT.resolve("src/main/java/dev/berth/api/ApiServer.java"));
        List<String> routes = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(get|post)(?:WithConfig)?\\(\"(/api/v1/[^\"]*)\"").matcher(server);
        while (m.find()) routes.add(m.group(1).toUpperCase() + " " + m.group(2));
        assertTrue(routes.size() > 20, "the routes are read from ApiServer: " + routes);

        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> documented = new ArrayList<>();
        Matcher d = Pattern.compile("\\| `(GET|POST)` \\| `(/api/v1/[^`]*)` \\|").matcher(readme);
        while (d.find()) documented.add(d.group(1) + " " + d.group(2));
        assertEquals(routes.stream().sorted().toList(), documented.stream().sorted().toList(), "README.md's REST API table");

        for (String must : List.of("BERTH_HOME/token", "0600", "Authorization: Bearer", "curl", "/health", "/metrics", "/heartbeat/")) {
            assertTrue(readme.contains(must), "the REST section says " + must);
        }
    }
}
