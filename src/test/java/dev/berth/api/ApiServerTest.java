package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.history.MetricsHistory;
import dev.berth.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which requests the one route table answers without the token. The handlers here have no
 * services behind them: a public route that is reached answers 500 (its handler fails, and says
 * nothing of why), one that is not reached answers 401.
 */
class ApiServerTest {
    private static final String TOKEN = "t0ken";
    private final HttpClient http = HttpClient.newHttpClient();
    private ApiServer server;

    @BeforeEach void start() throws Exception {
        AppControllers apps = new AppControllers(null, null, null, null, Map.of("version", "test"), () -> { });
        server = new ApiServer("127.0.0.1", 0, TOKEN, new RequestConfigs(null, null, null), apps, new DeployControllers(null, null),
                new BackupControllers(null, null, null, null, null, null), new CheckControllers(null, null, null, null, null), new ProxyControllers(null, null, null), new LogControllers(null, null), new SeriesControllers(null, null));
        server.start();
    }

    @AfterEach void stop() {
        server.close();
    }

    private int status(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test void publicRoutesAnswerWithoutTheTokenForTheirMethodsOnly() throws Exception {
        String[][] table = {
                // method, path, status without a token
                {"GET", "/health", "500"},
                {"HEAD", "/health", "500"},
                {"POST", "/health", "401"},
                {"GET", "/health/", "401"},
                {"GET", "/metrics", "500"},
                {"HEAD", "/metrics", "401"},
                {"GET", "/metrics/", "401"},
                {"GET", "/heartbeat/nightly/x", "500"},
                {"POST", "/heartbeat/nightly/x", "500"},
                {"HEAD", "/heartbeat/nightly/x", "500"},
                {"GET", "/heartbeat/nightly/x/", "500"},
                {"GET", "/heartbeat/nightly", "401"},
                {"PUT", "/heartbeat/nightly/x", "401"},
                {"GET", "/api/v1/ping", "401"},
        };
        for (String[] row : table) assertEquals(Integer.parseInt(row[2]), status(row[0], row[1], null), row[0] + " " + row[1]);
    }

    @Test void withTheTokenTheOtherRoutesAnswer() throws Exception {
        assertEquals(200, status("GET", "/api/v1/ping", TOKEN));
        assertEquals(401, status("GET", "/api/v1/ping", "wrong"));
        assertEquals(405, status("POST", "/api/v1/ping", TOKEN));
        assertEquals(404, status("GET", "/api/v1/nothing", TOKEN));
        assertEquals(404, status("POST", "/health", TOKEN), "a public path is no token route");
    }

    /** A chart's answer streams out in pieces (the daemon's heap is small); a short one keeps its length. */
    @Test void aLargeAnswerIsChunkedAndReadsTheSame(@TempDir Path tmp) throws Exception {
        long t0 = 1_750_000_000_000L;
        Clock clock = Clock.fixed(Instant.ofEpochMilli(t0 + 3_600_000), ZoneOffset.UTC);
        try (MetricsHistory history = MetricsHistory.open(tmp.resolve("history.db"), clock)) {
            for (int i = 0; i < 360; i++) {
                for (int app = 0; app < 20; app++) history.record("app/a" + app + "/0/cpu", t0 + i * 10_000L, i % 7 + 0.25);
            }
            history.flush();
            AppControllers apps = new AppControllers(null, null, null, null, Map.of("version", "test"), () -> { });
            SeriesControllers series = new SeriesControllers(history, clock);
            try (ApiServer withHistory = new ApiServer("127.0.0.1", 0, TOKEN, new RequestConfigs(null, null, null), apps, new DeployControllers(null, null),
                    new BackupControllers(null, null, null, null, null, null), new CheckControllers(null, null, null, null, null), new ProxyControllers(null, null, null),
                    new LogControllers(null, null), series)) {
                withHistory.start();
                String query = "?prefix=app&from=" + t0 + "&to=" + (t0 + 3_600_000) + "&step=10s";
                HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withHistory.port() + "/api/v1/series" + query))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, big.statusCode(), big.body());
                assertEquals(Optional.of("chunked"), big.headers().firstValue("transfer-encoding"));
                assertEquals(Optional.of("no-store"), big.headers().firstValue("cache-control"));
                Object direct = series.series(new ApiServer.Request("GET", "/api/v1/series", List.of(),
                        Map.of("prefix", "app", "from", String.valueOf(t0), "to", String.valueOf(t0 + 3_600_000), "step", "10s")));
                assertTrue(big.body().length() > 100_000, big.body().length() + " characters");
                assertEquals(Json.read(Json.write(direct)), Json.read(big.body()));

                HttpResponse<String> small = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withHistory.port() + "/api/v1/ping"))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(Optional.of(String.valueOf(small.body().length())), small.headers().firstValue("content-length"));
            }
        }
    }
}
