package dev.berth.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 standing in for a service (a WeCom robot, Slack…): it
 * keeps every request exactly as it arrived and answers the way the service does.
 */
final class RecordingReceiver implements AutoCloseable {
    record Answer(int status, String body) { }

    record Request(String method, String path, String rawQuery, Map<String, String> headers, String body) {
        Map<String, Object> json() {
            return Json.readMap(body);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Answer> answers;

    /** Answers in turn; the last one repeats. */
    RecordingReceiver(Answer... answers) throws IOException {
        this.answers = List.of(answers);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static RecordingReceiver answering(int status, String body) throws IOException {
        return new RecordingReceiver(new Answer(status, body));
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        URI uri = exchange.getRequestURI();
        int index;
        synchronized (requests) {
            index = requests.size();
            requests.add(new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body));
        }
        Answer answer = answers.get(Math.min(index, answers.size() - 1));
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
        }
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    @Override public void close() {
        server.stop(0);
    }
}
