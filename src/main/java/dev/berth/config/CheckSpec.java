package dev.berth.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One health check (`checks:` in berth.yml, or one of the built-ins for the host, every app and
 * every scheduled backup): what is probed, how often, and how many results in a row change its
 * state.
 *
 * @param name     unique among the checks ([a-z0-9][a-z0-9_.:-]*; built-ins are host:cpu, app:web, backup:maindb, ...)
 * @param probe    what is measured
 * @param interval how often the daemon runs it
 * @param timeout  how long one run may take before it counts as CRITICAL
 * @param failures how many bad results in a row before the state changes (a good result recovers at once)
 * @param channels the alert channels it goes to; empty: every channel
 * @param builtIn  added by Berth, not written in berth.yml
 */
public record CheckSpec(String name, Probe probe, Duration interval, Duration timeout, int failures, List<String> channels, boolean builtIn) {

    /** Warning and critical limits; either may be null. */
    public record Limits(Double warning, Double critical) {
        public static final Limits NONE = new Limits(null, null);
    }

    /** What a check measures. */
    public sealed interface Probe permits Http, Tcp, Tls, Command, Host, Disk, Gpu, LogErrors, App, BackupAge, Heartbeat { }

    /** An HTTP request: status in expectStatus, optional body text and JSON value, latency limits in ms. */
    public record Http(String method, URI url, Map<String, String> headers, String body, Set<Integer> expectStatus, String bodyContains,
                       String jsonPath, String jsonEquals, Limits latencyMs, boolean tlsVerify) implements Probe { }

    /** A TCP connect; latency limits in ms. */
    public record Tcp(String host, int port, Limits latencyMs) implements Probe { }

    /**
     * Days until the server's certificate expires (lower is worse).
     *
     * @param connect the address to connect to instead of host, which is then only the name asked for
     *                (SNI) and checked: how a site's own front door is checked from the server itself; or null
     */
    public record Tls(String host, int port, Limits daysLeft, String connect) implements Probe {
        public Tls(String host, int port, Limits daysLeft) {
            this(host, port, daysLeft, null);
        }
    }

    /** A program: exit 0 OK, 1 WARNING, anything else CRITICAL. */
    public record Command(List<String> argv, Path cwd, Map<String, String> env) implements Probe { }

    /** A host measure: cpu, memory, swap (percent used) or load (per core). */
    public record Host(String measure, Limits limits) implements Probe { }

    /** Disk space and inodes used (percent), of one mount or (mount null) every real one. */
    public record Disk(String mount, Limits used, Limits inodes) implements Probe { }

    /** GPU utilisation and memory used (percent) when nvidia-smi is there. */
    public record Gpu(Limits utilization, Limits memory) implements Probe { }

    /** Lines matching pattern in a log (an app's: one file per instance, the worst counts) within window: a count, or (percent) a share of all lines. */
    public record LogErrors(List<Path> files, String pattern, Duration window, boolean percent, Limits limits) implements Probe { }

    /** An app's instances: how many are online, and restarts in the last hour. */
    public record App(String app, Limits restartsPerHour) implements Probe { }

    /** Age of the newest good archive of a backup (seconds). */
    public record BackupAge(String backup, Limits ageSeconds) implements Probe { }

    /** A dead man's switch: something calls the daemon's heartbeat URL at least every `every`, plus grace. */
    public record Heartbeat(Duration every, Duration grace) implements Probe { }

    /** The limits a probe's value is judged by (TLS: days left, where lower is worse); NONE when it has none. */
    public static Limits limitsOf(Probe probe) {
        return switch (probe) {
            case Http h -> h.latencyMs();
            case Tcp t -> t.latencyMs();
            case Tls t -> t.daysLeft();
            case Host h -> h.limits();
            case Disk d -> d.used();
            case Gpu g -> g.utilization();
            case LogErrors e -> e.limits();
            case App a -> a.restartsPerHour();
            case BackupAge b -> b.ageSeconds();
            case Command c -> Limits.NONE;
            case Heartbeat h -> Limits.NONE;
        };
    }

    /** The kind as written in berth.yml. */
    public String kind() {
        return switch (probe) {
            case Http h -> "http";
            case Tcp t -> "tcp";
            case Tls t -> "tls";
            case Command c -> "command";
            case Host h -> h.measure();
            case Disk d -> "disk";
            case Gpu g -> "gpu";
            case LogErrors l -> "log";
            case App a -> "app";
            case BackupAge b -> "backup";
            case Heartbeat h -> "heartbeat";
        };
    }
}
