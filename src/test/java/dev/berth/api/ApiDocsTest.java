package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's reference comes from the route table itself: every route has a summary, docs/api.md
 * is what the table renders (run with -Dberth.writeApiDocs=true to write it again), every error
 * code the code can answer is documented, and GET /api/v1/openapi.json lists every route.
 */
class ApiDocsTest {
    private static final Path DOC = Path.of(System.getProperty("berth.root", ".")).resolve("docs/api.md");
    private ApiServer server;

    @BeforeEach void start() throws Exception {
        AppControllers apps = new AppControllers(null, null, null, null, Map.of("version", "test"), () -> { });
        server = new ApiServer("127.0.0.1", 0, "t0ken", new RequestConfigs(null, null, null), apps, new DeployControllers(null, null),
                new BackupControllers(null, null, null, null, null, null), new CheckControllers(null, null, null, null, null),
                new ProxyControllers(null, null, null), new LogControllers(null, null), new SeriesControllers(null, null));
        server.start();
    }

    @AfterEach void stop() {
        server.close();
    }

    @Test void docsApiMdIsWhatTheRouteTableRenders() throws Exception {
        List<ApiDocs.Entry> routes = server.reference();
        assertTrue(routes.size() > 40, "routes: " + routes.size());
        for (ApiDocs.Entry e : routes) assertFalse(e.summary().isBlank(), e.method() + " " + e.path() + " has no summary");
        String rendered = ApiDocs.markdown(routes);
        if (Boolean.getBoolean("berth.writeApiDocs")) Files.writeString(DOC, rendered);
        assertEquals(rendered, Files.readString(DOC), "docs/api.md is behind the routes: run mvn -q test -Dtest=ApiDocsTest -Dberth.writeApiDocs=true");
    }

    @Test void everyErrorCodeTheCodeAnswersIsDocumented() throws Exception {
        Pattern code = Pattern.compile("(?:ApiError\\(\\d+, |error\\()\"([A-Z_]+)\"");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/berth/api"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = code.matcher(Files.readString(f));
                while (m.find()) used.add(m.group(1));
            }
        }
        assertTrue(used.size() > 10, "codes found: " + used);
        used.removeAll(ApiDocs.ERRORS.keySet());
        assertEquals(Set.of(), used, "error codes missing from ApiDocs.ERRORS (and so from docs/api.md)");
    }

    @Test void theOpenApiDocumentListsEveryRoute() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/openapi.json"))
                .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> doc = Json.readMap(r.body());
        assertEquals("3.0.3", doc.get("openapi"));
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        for (ApiDocs.Entry e : server.reference()) {
            assertTrue(paths.containsKey(e.path()) && paths.get(e.path()).containsKey(e.method().toLowerCase()), e.method() + " " + e.path() + " missing");
        }
    }
}
