package dev.berth.monitor;

import dev.berth.config.BackupSpec;
import dev.berth.config.CheckSpec;
import dev.berth.config.CronExpressions;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.CommandProbe;
import dev.berth.monitor.probe.DiskProbe;
import dev.berth.monitor.probe.ErrorRateMode;
import dev.berth.monitor.probe.GpuProbe;
import dev.berth.monitor.probe.HostPercentProbe;
import dev.berth.monitor.probe.HttpProbe;
import dev.berth.monitor.probe.LoadProbe;
import dev.berth.monitor.probe.LogErrorRateProbe;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.monitor.probe.TcpProbe;
import dev.berth.monitor.probe.Thresholds;
import dev.berth.monitor.probe.TlsProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a check's settings into something that runs: one of the probes, or (for apps, backups
 * and heartbeats) a judgment of what the context knows. The result is long-lived: a log check
 * remembers where it stopped reading.
 */
final class ProbeFactory {
    /** A check ready to run. */
    interface Runnable {
        CompletableFuture<ProbeResult> run(Duration timeout);
    }

    private ProbeFactory() { }

    static Runnable of(CheckSpec spec, CheckContext ctx, Function<String, BackupSpec> backups) {
        return switch (spec.probe()) {
            case CheckSpec.Http h -> {
                HttpProbe p = new HttpProbe(h.method(), h.url(), h.headers(), h.body(), h.expectStatus(), h.bodyContains(), h.jsonPath(),
                        h.jsonEquals(), above(h.latencyMs()), h.tlsVerify());
                yield p::runAsync; // non-blocking: a thousand HTTP checks need no thousand threads
            }
            case CheckSpec.Tcp t -> blocking(new TcpProbe(t.host(), t.port(), above(t.latencyMs()))::run);
            case CheckSpec.Tls t -> blocking(new TlsProbe(t.host(), t.port(), Thresholds.below(t.daysLeft().warning(), t.daysLeft().critical()), t.connect())::run);
            case CheckSpec.Command c -> blocking(new CommandProbe(c.argv(), c.cwd(), c.env())::run);
            // the host library is loaded on a check's first run, not when the configuration is read
            case CheckSpec.Host h -> blocking(timeout -> (switch (h.measure()) {
                case "cpu" -> new HostPercentProbe(ctx.host(), HostPercentProbe.Measure.CPU, above(h.limits()));
                case "memory" -> new HostPercentProbe(ctx.host(), HostPercentProbe.Measure.MEMORY, above(h.limits()));
                case "swap" -> new HostPercentProbe(ctx.host(), HostPercentProbe.Measure.SWAP, above(h.limits()));
                default -> new LoadProbe(ctx.host(), above(h.limits()));
            }).run(timeout));
            case CheckSpec.Disk d -> blocking(timeout -> new DiskProbe(ctx.host(), d.mount(), above(d.used()), above(d.inodes())).run(timeout));
            case CheckSpec.Gpu g -> blocking(new GpuProbe(above(g.utilization()), above(g.memory()))::run);
            case CheckSpec.LogErrors l -> {
                List<LogErrorRateProbe> probes = l.files().stream().map(f -> new LogErrorRateProbe(f, Pattern.compile(l.pattern()), l.window(),
                        above(l.limits()), l.percent() ? ErrorRateMode.PERCENT : ErrorRateMode.COUNT)).toList();
                yield blocking(timeout -> worst(probes.stream().map(p -> p.run(timeout)).toList(), l.files()));
            }
            case CheckSpec.App a -> blocking(timeout -> app(a, ctx));
            case CheckSpec.BackupAge b -> blocking(timeout -> backupAge(b, ctx, backups.apply(b.backup()), Instant.now()));
            case CheckSpec.Heartbeat h -> blocking(timeout -> heartbeat(spec.name(), h, ctx, Instant.now()));
        };
    }

    /** The worst of several logs' results (an app's instances), naming the file when there are several. */
    static ProbeResult worst(List<ProbeResult> results, List<Path> files) {
        int w = 0;
        for (int i = 1; i < results.size(); i++) if (results.get(i).state().compareTo(results.get(w).state()) > 0) w = i;
        ProbeResult r = results.get(w);
        if (results.size() == 1) return r;
        return new ProbeResult(r.state(), r.value(), r.unit(), files.get(w).getFileName() + ": " + r.message(), r.latencyMillis());
    }

    private static Thresholds above(CheckSpec.Limits l) {
        return Thresholds.above(l.warning(), l.critical());
    }

    /** A probe that blocks runs on a virtual thread of its own. */
    private static Runnable blocking(Function<Duration, ProbeResult> probe) {
        return timeout -> {
            CompletableFuture<ProbeResult> f = new CompletableFuture<>();
            Thread.ofVirtual().name("berth-check").start(() -> {
                try {
                    f.complete(probe.apply(timeout));
                } catch (VirtualMachineError e) {
                    f.complete(ProbeResult.failed("the check failed: " + e, 0));
                    throw e;
                } catch (Throwable e) { // a library's Error (a native part that will not load) is this check's failure
                    f.complete(ProbeResult.failed("the check failed: " + e, 0));
                }
            });
            return f;
        };
    }

    static ProbeResult app(CheckSpec.App a, CheckContext ctx) {
        CheckContext.AppHealth h = ctx.app(a.app());
        if (h == null) return new ProbeResult(CheckState.CRITICAL, null, null, "app " + a.app() + " is not supervised by the berth daemon", 0);
        if (h.total() == 0 && "stopped".equals(h.state())) return new ProbeResult(CheckState.OK, 0.0, "online", "app " + a.app() + " is stopped, as asked", 0);
        if (h.total() == 0) return new ProbeResult(CheckState.CRITICAL, 0.0, "online", "app " + a.app() + " is " + h.state() + ": no instance runs", 0);
        if (h.online() < h.total()) {
            return new ProbeResult(CheckState.CRITICAL, (double) h.online(), "online", h.online() + " of " + h.total() + " instances of "
                    + a.app() + " online (" + h.state() + ")", 0);
        }
        Thresholds t = above(a.restartsPerHour());
        CheckState s = t.state(h.restartsLastHour());
        return new ProbeResult(s, (double) h.restartsLastHour(), "restarts/h", h.online() + " of " + h.total() + " instances online, "
                + h.restartsLastHour() + " restart(s) in the last hour" + (s == CheckState.OK ? "" : " " + t.verdict(h.restartsLastHour(), "")), 0);
    }

    /** Default limits of a scheduled backup: one period plus grace (warning), two periods plus grace (critical). */
    static ProbeResult backupAge(CheckSpec.BackupAge b, CheckContext ctx, BackupSpec spec, Instant now) {
        Double warning = b.ageSeconds().warning();
        Double critical = b.ageSeconds().critical();
        if (warning == null && critical == null && spec != null && spec.schedule() != null) {
            var t = now.atZone(ZoneId.systemDefault());
            var next = CronExpressions.nextAfter(spec.schedule(), t);
            var after = next == null ? null : CronExpressions.nextAfter(spec.schedule(), next);
            long period = next == null || after == null ? 86400 : Duration.between(next, after).toSeconds();
            warning = (double) (period + spec.grace().toSeconds());
            critical = (double) (2 * period + spec.grace().toSeconds());
        }
        Long last = ctx.lastGoodBackup(b.backup());
        if (last == null) {
            return new ProbeResult(CheckState.CRITICAL, null, null, "backup " + b.backup() + " has no good archive yet", 0);
        }
        double age = (now.toEpochMilli() - last) / 1000.0;
        Thresholds t = Thresholds.above(warning, critical);
        CheckState s = t.state(age);
        String text = "newest good archive of " + b.backup() + " is " + human(age) + " old"
                + (s == CheckState.OK ? "" : " (" + s.label() + ": older than " + human(s == CheckState.CRITICAL ? critical : warning) + ")");
        List<String> unknown = ctx.unknownArchives(b.backup());
        if (!unknown.isEmpty()) {
            // disk that nothing accounts for: worth a look, not an outage
            if (s == CheckState.OK) s = CheckState.WARNING;
            text += "; " + unknown.size() + " archive file(s) that no catalog row names, e.g. " + unknown.get(0) + " (see `berth backup list`)";
        }
        return new ProbeResult(s, age, "s", text, 0);
    }

    static ProbeResult heartbeat(String name, CheckSpec.Heartbeat h, CheckContext ctx, Instant now) {
        Long last = ctx.lastBeat(name);
        long from = last != null ? last : ctx.watchingSince();
        double age = (now.toEpochMilli() - from) / 1000.0;
        long limit = h.every().plus(h.grace()).toSeconds();
        if (age > limit) {
            return new ProbeResult(CheckState.CRITICAL, age, "s", (last == null ? "never called since the daemon began watching " + human(age) + " ago"
                    : "last call " + human(age) + " ago") + ", expected every " + human(h.every().toSeconds()) + " plus " + human(h.grace().toSeconds()) + " grace", 0);
        }
        return new ProbeResult(CheckState.OK, age, "s", last == null ? "waiting for the first call (due within " + human(limit - age) + ")"
                : "last call " + human(age) + " ago", 0);
    }

    static String human(double seconds) {
        long s = Math.round(seconds);
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        if (s < 172800) return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : (s % 3600 / 60) + "m");
        return (s / 86400) + "d" + (s % 86400 / 3600 == 0 ? "" : (s % 86400 / 3600) + "h");
    }

    static Map<String, Object> describe(ProbeResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", r.state().name());
        m.put("value", r.value());
        m.put("unit", r.unit());
        m.put("message", r.message());
        m.put("latency_ms", r.latencyMillis());
        return m;
    }
}
