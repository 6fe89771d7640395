package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.DeploySpec;
import dev.berth.http.HttpProbeAnswer;
import dev.berth.http.HttpProbeRequest;
import dev.berth.http.HttpProber;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.text.Units;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The last step of a cut-over: every instance running, and staying up (same pid) through the
 * settle window, with the deploy's health path answering 200 on each. Also the health path's
 * check on a preflight's port.
 */
final class HealthGate {
    /** One request's limit: a 2 s connect and a 3 s read, as the gate always allowed. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final AppControl apps;

    HealthGate(AppControl apps) {
        this.apps = apps;
    }

    /** Watches the app for deploy.settle; throws the first failure as the "health gate" step's. */
    void settle(AppSpec spec, Consumer<String> log) throws StepFailure, InterruptedException {
        DeploySpec d = spec.deploy();
        AppStatus first = apps.status(spec.name()).orElseThrow(() -> new StepFailure("health gate", spec.name() + " is not supervised"));
        Map<Integer, Long> pids = new LinkedHashMap<>();
        for (InstanceStatus i : first.instances()) {
            if (!"running".equals(i.state())) {
                throw new StepFailure("health gate", "instance " + i.index() + " is " + i.state() + (i.reason() != null ? ": " + i.reason() : ""));
            }
            pids.put(i.index(), i.pid());
        }
        long end = System.nanoTime() + d.settle().toNanos();
        Map<Integer, Integer> healthFailures = new LinkedHashMap<>();
        do {
            AppStatus now = apps.status(spec.name()).orElseThrow(() -> new StepFailure("health gate", spec.name() + " is no longer supervised"));
            for (InstanceStatus i : now.instances()) {
                Long was = pids.get(i.index());
                if (!"running".equals(i.state()) || (was != null && !was.equals(i.pid()))) {
                    throw new StepFailure("health gate", "instance " + i.index() + " of " + spec.name() + " exited during the "
                            + Units.duration(d.settle()) + " settle window" + (i.reason() != null ? ": " + i.reason() : ""));
                }
                if (d.health() != null && i.port() != null) {
                    String problem = httpProblem(i.port(), d.health());
                    int n = problem == null ? 0 : healthFailures.getOrDefault(i.index(), 0) + 1;
                    healthFailures.put(i.index(), n);
                    // Two failures in a row: one dropped connection during a reload is not a verdict.
                    if (n >= 2) {
                        throw new StepFailure("health gate", "GET " + d.health() + " on instance " + i.index() + " (port " + i.port() + "): "
                                + problem);
                    }
                }
            }
            Thread.sleep(Math.min(500, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        } while (System.nanoTime() < end);
        log.accept("all " + pids.size() + " instance(s) stayed up for " + Units.duration(d.settle())
                + (d.health() != null ? " with " + d.health() + " answering 200" : ""));
    }

    /** The deploy's health path on a preflight's port: null when it answers 200 (one retry: a dropped connection is no verdict). */
    static String preflightProblem(DeploySpec d, int port) {
        if (d.health() == null) return null;
        String problem = httpProblem(port, d.health());
        if (problem == null) return null;
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem;
        }
        problem = httpProblem(port, d.health());
        return problem == null ? null : "GET " + d.health() + " " + problem;
    }

    /** Null for a 200; else "answered 503" or "no answer (connection refused)". */
    static String httpProblem(int port, String path) {
        HttpProbeAnswer a = HttpProber.send(HttpProbeRequest.get(URI.create("http://127.0.0.1:" + port + path), HEALTH_TIMEOUT));
        if (!a.answered()) return "no answer (" + a.problem() + ")";
        return a.status() == 200 ? null : "answered " + a.status();
    }
}
