package dev.berth.api;

import dev.berth.alert.AlertRouter;
import dev.berth.alert.AlertSendException;
import dev.berth.config.AlertsSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.CheckSpec;
import dev.berth.config.Durations;
import dev.berth.files.Names;
import dev.berth.monitor.CheckContext;
import dev.berth.monitor.CheckReport;
import dev.berth.monitor.CheckRunner;
import dev.berth.monitor.CheckScheduler;
import dev.berth.monitor.Health;
import dev.berth.monitor.PrometheusMetrics;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.store.CheckRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, health, metrics, alerts, silences and heartbeats over HTTP. /health, /metrics and
 * /heartbeat/NAME/TOKEN need no daemon token (load balancers, Prometheus and cron jobs call
 * them); they show states and numbers, never a setting or a secret.
 */
public final class CheckControllers {
    private final CheckScheduler scheduler;
    private final CheckRecords store;
    private final PrometheusMetrics metrics;
    private final CheckContext context;
    private final RequestConfigs configs;

    public CheckControllers(CheckScheduler scheduler, CheckRecords store, PrometheusMetrics metrics, CheckContext context, RequestConfigs configs) {
        this.scheduler = scheduler;
        this.store = store;
        this.metrics = metrics;
        this.context = context;
        this.configs = configs;
    }

    // ---- public

    /** GET /health: 200 when HEALTHY or WARNING, 503 when UNHEALTHY (with ?strict, 503 on WARNING too). */
    RawResponse health(String query) {
        Health h = scheduler.health();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", h.name());
        List<Object> failing = new ArrayList<>();
        int n = 0;
        for (CheckScheduler.CheckView v : scheduler.checks()) {
            n++;
            if (v.state() == CheckState.OK) continue;
            // names and states only: messages (a command's output, paths, hosts) stay behind the token
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", v.spec().name());
            c.put("state", v.state().name());
            c.put("since", v.since().toString());
            failing.add(c);
        }
        out.put("checks", n);
        out.put("failing", failing);
        boolean strict = query != null && List.of(query.split("&")).stream().anyMatch(q -> q.equals("strict") || q.equals("strict=1") || q.equals("strict=true"));
        int status = h == Health.UNHEALTHY || (strict && h == Health.WARNING) ? 503 : 200;
        return RawResponse.json(status, out);
    }

    /** GET /metrics in the Prometheus text format. */
    RawResponse metrics() throws Exception {
        return new RawResponse(200, PrometheusMetrics.CONTENT_TYPE, metrics.scrape());
    }

    /** GET or POST /heartbeat/NAME/TOKEN. */
    RawResponse heartbeat(String name, String token) {
        boolean ok = store.beat(name, token, System.currentTimeMillis());
        String body = ok ? "{\"ok\":true}" : "{\"code\":\"NOT_FOUND\",\"message\":\"no heartbeat with that name and token\"}";
        return new RawResponse(ok ? 200 : 404, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    // ---- with the token

    /** GET /api/v1/checks: every check the daemon runs, its state and uptime. */
    Object list(ApiServer.Request r) {
        long now = System.currentTimeMillis();
        List<Object> out = new ArrayList<>();
        for (CheckScheduler.CheckView v : scheduler.checks()) {
            Map<String, Object> c = Views.check(v.spec(), v.state(), v.last());
            c.put("since", v.since().toString());
            c.put("last_run", v.lastRun() == null ? null : v.lastRun().toString());
            Map<String, Object> uptime = new LinkedHashMap<>();
            for (var p : Map.of("24h", 86_400_000L, "7d", 7 * 86_400_000L, "30d", 30 * 86_400_000L).entrySet()) {
                CheckRecords.Count n = store.uptime(v.spec().name(), p.getValue(), now);
                uptime.put(p.getKey(), n.total() == 0 ? null : 100.0 * n.ok() / n.total());
            }
            c.put("uptime_percent", uptime);
            out.add(c);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("health", scheduler.health().name());
        res.put("checks", out);
        return res;
    }

    /** GET /api/v1/monitor: the monitoring setup as the daemon runs it (channel settings without secrets or URLs). */
    Object setup(ApiServer.Request r) {
        AlertsSpec a = scheduler.alerts();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server", scheduler.router().server());
        out.put("resend_ms", a.resend() == null ? null : a.resend().toMillis());
        out.put("group_wait_ms", a.groupWait().toMillis());
        out.put("channels", a.channels().stream().map(c -> Map.of("name", c.name(), "kind", c.kind())).toList());
        out.put("maintenance", a.maintenance().stream().map(m -> Map.of("cron", m.cron(), "duration_ms", m.duration().toMillis())).toList());
        List<Object> checks = new ArrayList<>();
        for (CheckScheduler.CheckView v : scheduler.checks()) {
            checks.add(Views.checkSetup(v.spec()));
        }
        out.put("checks", checks);
        out.put("silences", ((Map<?, ?>) silences(r)).get("silences"));
        return out;
    }

    /** POST /api/v1/checks/run {config, variables, names}: runs a berth.yml's checks now; the daemon watches it from then on. */
    Object run(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        if (config == null) throw new ApiError(400, "BAD_REQUEST", "missing \"config\": the berth.yml whose checks to run");
        BerthFile file = configs.load(r);
        List<String> names = r.strings("names");
        for (String n : names) Names.requireListed("check", "in " + file.path(), n, file.checks().stream().map(CheckSpec::name).toList());
        List<CheckSpec> chosen = file.checks().stream().filter(c -> names.isEmpty() || names.contains(c.name())).toList();
        // a log's error rate is counted over time: the daemon's own running count, when it has one, is the answer
        Map<String, ProbeResult> counted = new HashMap<>();
        for (CheckScheduler.CheckView v : scheduler.checks()) {
            if (v.spec().probe() instanceof CheckSpec.LogErrors && v.last() != null) counted.put(v.spec().name(), v.last());
        }
        List<CheckSpec> toRun = chosen.stream().filter(c -> !(c.probe() instanceof CheckSpec.LogErrors && counted.containsKey(c.name()))).toList();
        Map<String, CheckRunner.Outcome> ran = new HashMap<>();
        for (CheckRunner.Outcome o : CheckRunner.runAll(toRun, context, n -> file.backup(n).orElse(null))) ran.put(o.spec().name(), o);
        List<CheckRunner.Outcome> outcomes = chosen.stream().map(c -> ran.containsKey(c.name()) ? ran.get(c.name())
                : new CheckRunner.Outcome(c, counted.get(c.name()))).toList();
        CheckReport report = CheckReport.of(outcomes);
        if (Boolean.TRUE.equals(r.body().get("alert"))) report = report.alerted(scheduler.alertNow(outcomes));
        return Views.checkReport(report);
    }

    /** GET /api/v1/alerts?limit: the alert history, newest first. */
    Object alerts(ApiServer.Request r) {
        List<Object> out = new ArrayList<>();
        int limit = 200;
        String q = r.string("limit");
        if (q != null) {
            try {
                limit = Math.max(1, Math.min(10_000, Integer.parseInt(q)));
            } catch (NumberFormatException e) {
                throw new ApiError(400, "BAD_REQUEST", "limit: expected a number, got \"" + q + "\"");
            }
        }
        for (CheckRecords.AlertRecord a : store.alerts(limit)) out.add(Views.alert(a));
        return Map.of("alerts", out);
    }

    /** POST /api/v1/alerts/test {config, variables, channel}: sends a test message now. */
    Object test(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        String channel = r.string("channel");
        if (config == null || channel == null) throw new ApiError(400, "BAD_REQUEST", "needs \"config\" and \"channel\"");
        BerthFile file = configs.load(r);
        if (file.alerts().channels().stream().noneMatch(c -> c.name().equals(channel))) {
            throw new ApiError(404, "NOT_FOUND", "no channel named \"" + channel + "\" in alerts.channels of " + file.path()
                    + (file.alerts().channels().isEmpty() ? " (there are none)" : "; channels: "
                    + String.join(", ", file.alerts().channels().stream().map(AlertsSpec.Channel::name).toList())));
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("channel", channel);
        try {
            AlertRouter.test(file.alerts(), channel, scheduler.router().server());
            res.put("ok", true);
        } catch (AlertSendException e) {
            res.put("ok", false);
            res.put("error", e.getMessage());
        }
        return res;
    }

    /** POST /api/v1/silences {target, duration, reason}. */
    Object silence(ApiServer.Request r) {
        String target = r.string("target");
        String duration = r.string("duration");
        if (target == null || target.isBlank()) throw new ApiError(400, "BAD_REQUEST", "missing \"target\": a check, an app, backup:NAME or all");
        Duration d;
        try {
            d = Durations.parse(duration == null ? "" : duration);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BAD_REQUEST", "duration: " + e.getMessage());
        }
        long until = System.currentTimeMillis() + d.toMillis();
        long id = store.addSilence(target, until, r.string("reason"));
        return Map.of("id", id, "target", target, "until", Instant.ofEpochMilli(until).toString());
    }

    /** GET /api/v1/checks/{name}/uptime: the last 24 hours and 30 days, a bucket each, for uptime bars. */
    Object uptime(ApiServer.Request r) {
        String name = Names.requireListed("check", "run by the daemon", r.param(0), scheduler.checks().stream().map(v -> v.spec().name()).toList());
        long now = System.currentTimeMillis();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("hours", store.uptimeBuckets(name, true, 24, now).stream().map(Views::bucket).toList());
        out.put("days", store.uptimeBuckets(name, false, 30, now).stream().map(Views::bucket).toList());
        return out;
    }

    /** GET /api/v1/silences: those in force. */
    Object silences(ApiServer.Request r) {
        List<Object> out = new ArrayList<>();
        for (CheckRecords.Silence s : store.silences(System.currentTimeMillis())) out.add(Views.silence(s));
        return Map.of("silences", out);
    }

    /** POST /api/v1/silences/end {target (null: all)}. */
    Object endSilence(ApiServer.Request r) {
        return Map.of("ended", store.endSilences(r.string("target"), System.currentTimeMillis()));
    }

    /**
     * GET /api/v1/heartbeats/{name}: the URL a job calls (its token is made on first ask), for a
     * heartbeat check of a watched berth.yml only: a token is never minted for any other name.
     */
    Object heartbeatUrl(ApiServer.Request r, String base) {
        String name = Names.requireListed("heartbeat check", "in the berth.yml files the daemon watches", r.param(0), scheduler.heartbeats());
        return Map.of("name", name, "url", base + "/heartbeat/" + name + "/" + store.heartbeatToken(name));
    }
}
