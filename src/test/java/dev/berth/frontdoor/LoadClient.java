package dev.berth.frontdoor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Clients sending GETs back to back (keep-alive), counting what did not answer 200. */
public final class LoadClient implements AutoCloseable {
    public final AtomicInteger ok = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    public LoadClient(URI uri, int clients) {
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (running.get()) {
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) ok.incrementAndGet();
                        else failures.add("status " + r.statusCode() + ": " + r.body().strip());
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
    }

    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) t.join(15_000);
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    @Override public void close() throws InterruptedException {
        stop();
    }
}
