package dev.berth.config;

import static dev.berth.config.Kind.*;

import dev.berth.text.Suggestions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** monitor: (the built-in limits) and checks: (the built-in checks and the file's own). */
final class ChecksSection extends FieldReader {
    private static final Pattern CHECK_NAME = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,62}");

    /** A channel a check sends to, where the file names it: it must be one of alerts.channels, which are read later. */
    record ChannelRef(String field, String channel, Node node) { }

    /** The channels the checks read without problems name, in file order. */
    final List<ChannelRef> channelRefs = new ArrayList<>();

    /** The backups of the file, which backup checks name. */
    private final List<BackupSpec> backups;

    /** The sites of the file: each TLS domain gets a built-in tls: check. */
    private final ProxySpec proxy;

    ChecksSection(FieldReader file, List<BackupSpec> backups, ProxySpec proxy) {
        super(file);
        this.backups = backups;
        this.proxy = proxy;
    }

    /** The built-in limits, from monitor: (or their defaults). */
    record MonitorDefaults(Duration interval, boolean host, Map<String, CheckSpec.Limits> limits) { }

    static final Map<String, CheckSpec.Limits> DEFAULT_LIMITS = Map.of(
            "cpu", new CheckSpec.Limits(80.0, 95.0), "memory", new CheckSpec.Limits(85.0, 95.0),
            "swap", new CheckSpec.Limits(50.0, 80.0), "load", new CheckSpec.Limits(1.5, 3.0),
            "disk", new CheckSpec.Limits(90.0, 95.0), "inodes", new CheckSpec.Limits(90.0, 95.0),
            "restarts", new CheckSpec.Limits(3.0, 10.0));

    MonitorDefaults monitor(Node node) {
        Map<String, CheckSpec.Limits> limits = new LinkedHashMap<>(DEFAULT_LIMITS);
        if (node == null) return new MonitorDefaults(Duration.ofSeconds(30), true, limits);
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "monitor", "expected a mapping (interval, host, cpu, memory, ...), got " + YamlSource.describe(node));
            return new MonitorDefaults(Duration.ofSeconds(30), true, limits);
        }
        Map<String, NodeTuple> f = YamlSource.entries(mapping, "monitor", problems);
        schema.checkKeys(f, "monitor", "monitor", problems);
        Duration interval = scalar(f, "interval", "monitor", INTERVAL, Duration.ofSeconds(30), variables::get);
        boolean host = scalar(f, "host", "monitor", BOOL, true, variables::get);
        for (String measure : DEFAULT_LIMITS.keySet()) {
            Node m = value(f, measure);
            if (m == null) continue;
            String field = "monitor." + measure;
            if (!(m instanceof MappingNode mm)) {
                problems.at(m, field, "expected warning: and critical:, got " + YamlSource.describe(m));
                continue;
            }
            Map<String, NodeTuple> lf = YamlSource.entries(mm, field, problems);
            schema.checkKeys(lf, "monitor.cpu", field, problems);
            Kind<Double> kind = measure.equals("load") || measure.equals("restarts") ? NUMBER : PERCENT;
            CheckSpec.Limits d = DEFAULT_LIMITS.get(measure);
            limits.put(measure, new CheckSpec.Limits(scalar(lf, "warning", field, kind, d.warning(), variables::get),
                    scalar(lf, "critical", field, kind, d.critical(), variables::get)));
        }
        return new MonitorDefaults(interval, host, limits);
    }

    /** checks: plus the built-ins (host, every app, every scheduled backup); null entries had problems. */
    List<CheckSpec> checks(Node node, MonitorDefaults monitor, List<AppSpec> apps) {
        List<CheckSpec> out = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(10);
        if (monitor.host()) {
            for (String m : List.of("cpu", "memory", "swap", "load")) {
                out.add(new CheckSpec("host:" + m, new CheckSpec.Host(m, monitor.limits().get(m)), monitor.interval(), timeout, 2, List.of(), true));
            }
            out.add(new CheckSpec("host:disk", new CheckSpec.Disk(null, monitor.limits().get("disk"), monitor.limits().get("inodes")),
                    monitor.interval(), timeout, 2, List.of(), true));
        }
        for (AppSpec a : apps) {
            out.add(new CheckSpec("app:" + a.name(), new CheckSpec.App(a.name(), monitor.limits().get("restarts")), monitor.interval(), timeout, 2, List.of(), true));
        }
        for (BackupSpec b : backups) {
            if (b.schedule() != null) {
                out.add(new CheckSpec("backup:" + b.name(), new CheckSpec.BackupAge(b.name(), CheckSpec.Limits.NONE), Duration.ofMinutes(1), timeout, 1, List.of(), true));
            }
        }
        for (ProxySpec.Site s : proxy.sites()) {
            if (!s.https()) continue;
            for (String d : s.domains()) {
                if (d.startsWith("*.")) continue;
                // through the server's own front door (127.0.0.1), asking for the domain as a browser would
                out.add(new CheckSpec("tls:" + d, new CheckSpec.Tls(d, proxy.httpsPort(), new CheckSpec.Limits(14.0, 7.0), "127.0.0.1"),
                        Duration.ofMinutes(10), timeout, 2, List.of(), true));
            }
        }
        if (node == null) return out;
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "checks", "expected a mapping of check name to its settings, got " + YamlSource.describe(node));
            return out;
        }
        for (NodeTuple t : YamlSource.entries(mapping, "checks", problems).values()) {
            CheckSpec c = check(t, monitor, apps);
            if (c == null) continue;
            out.removeIf(x -> x.builtIn() && x.name().equals(c.name())); // a check named like a built-in replaces it
            out.add(c);
        }
        return out;
    }

    static final List<String> CHECK_KINDS = List.of("http", "tcp", "tls", "command", "cpu", "memory", "swap", "load", "disk", "gpu", "log",
            "app", "backup", "heartbeat");

    CheckSpec check(NodeTuple tuple, MonitorDefaults monitor, List<AppSpec> apps) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) return null; // entries() has reported it
        String name = key.getValue();
        String path = "checks." + name;
        int before = problemCount();
        if (!CHECK_NAME.matcher(name).matches()) {
            problems.at(tuple.getKeyNode(), path, "check names are lowercase letters, digits and . _ - : (starting with a letter or digit), got \"" + name + "\"");
        }
        if (!(tuple.getValueNode() instanceof MappingNode node)) {
            problems.at(tuple.getValueNode(), path, "expected a mapping with one of " + String.join(", ", CHECK_KINDS) + ", got "
                    + YamlSource.describe(tuple.getValueNode()));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
        schema.checkKeys(f, "checks.*", path, problems);
        List<String> kinds = f.keySet().stream().filter(CHECK_KINDS::contains).toList();
        if (kinds.size() != 1) {
            problems.at(node, path, "expected exactly one kind: " + String.join(", ", CHECK_KINDS) + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            return null;
        }
        String kind = kinds.get(0);
        Function<String, String> lookup = variables::get;
        Duration interval = scalar(f, "interval", path, INTERVAL, monitor.interval(), lookup);
        Duration timeout = scalar(f, "timeout", path, DURATION, Duration.ofSeconds(10), lookup);
        int failures = scalar(f, "failures", path, KEEP, 2, lookup); // the users' "down for 60 s" at the 30 s interval
        List<Node> channelPlaces = new ArrayList<>();
        List<String> channels = channels(value(f, "channels"), path + ".channels", lookup, channelPlaces);
        Map<String, List<String>> only = Map.of(
                "method", List.of("http"), "headers", List.of("http"), "body", List.of("http"), "expect_status", List.of("http"),
                "body_contains", List.of("http"), "json_path", List.of("http"), "json_equals", List.of("http"), "tls_verify", List.of("http"),
                "cwd", List.of("command"), "env", List.of("command"));
        for (var e : only.entrySet()) {
            if (value(f, e.getKey()) != null && !e.getValue().contains(kind)) problems.at(f.get(e.getKey()).getKeyNode(), path + "." + e.getKey(), "applies only to a " + e.getValue().get(0) + " check");
        }
        for (String k : List.of("pattern", "window")) {
            if (value(f, k) != null && !kind.equals("log")) problems.at(f.get(k).getKeyNode(), path + "." + k, "applies only to a log check");
        }
        if (value(f, "grace") != null && !kind.equals("heartbeat")) problems.at(f.get("grace").getKeyNode(), path + ".grace", "applies only to a heartbeat check");
        if ((value(f, "warning") != null || value(f, "critical") != null) && (kind.equals("command") || kind.equals("heartbeat"))) {
            problems.at(node, path, "a " + kind + " check has no warning/critical limits");
        }
        CheckSpec.Probe probe = switch (kind) {
            case "http" -> {
                URI url = scalar(f, "http", path, HTTP_URL, null, lookup);
                String method = scalar(f, "method", path, HTTP_METHOD, "GET", lookup);
                Set<Integer> expect = new LinkedHashSet<>();
                for (String s : commands(value(f, "expect_status"), path + ".expect_status", lookup)) {
                    try {
                        int code = asciiInteger(s.strip());
                        if (code < 100 || code > 599) throw new NumberFormatException();
                        expect.add(code);
                    } catch (NumberFormatException e) {
                        problems.at(value(f, "expect_status"), path + ".expect_status", "expected HTTP status codes (100 to 599), got \"" + s + "\"");
                    }
                }
                if (expect.isEmpty()) expect.add(200);
                String jsonPath = scalar(f, "json_path", path, NON_EMPTY, null, lookup);
                String jsonEquals = scalar(f, "json_equals", path, TEXT, null, lookup);
                if ((jsonPath == null) != (jsonEquals == null)) problems.at(node, path, "json_path and json_equals go together");
                yield url == null ? null : new CheckSpec.Http(method, url, envMapAny(value(f, "headers"), path + ".headers", lookup),
                        scalar(f, "body", path, TEXT, null, lookup), Set.copyOf(expect), scalar(f, "body_contains", path, NON_EMPTY, null, lookup),
                        jsonPath, jsonEquals, latency(f, path, lookup), scalar(f, "tls_verify", path, BOOL, true, lookup));
            }
            case "tcp" -> {
                HostPort hp = scalar(f, "tcp", path, HOST_PORT, null, lookup);
                yield hp == null ? null : new CheckSpec.Tcp(hp.host(), hp.port(), latency(f, path, lookup));
            }
            case "tls" -> {
                HostPort hp = scalar(f, "tls", path, HOST_PORT_443, null, lookup);
                yield hp == null ? null : new CheckSpec.Tls(hp.host(), hp.port(), new CheckSpec.Limits(scalar(f, "warning", path, DAYS, 14.0, lookup),
                        scalar(f, "critical", path, DAYS, 7.0, lookup)));
            }
            case "command" -> {
                Node c = value(f, "command");
                List<String> argv = c instanceof SequenceNode ? commands(c, path + ".command", lookup)
                        : words(scalar(f, "command", path, NON_EMPTY, "", lookup));
                if (argv.isEmpty()) {
                    problems.at(f.get("command").getKeyNode(), path + ".command", "expected a program and its arguments");
                    yield null;
                }
                yield new CheckSpec.Command(argv, cwd(value(f, "cwd"), path + ".cwd", lookup), envMap(value(f, "env"), path + ".env", lookup));
            }
            case "cpu", "memory", "swap", "load" -> {
                Boolean on = scalar(f, kind, path, BOOL, null, lookup);
                if (Boolean.FALSE.equals(on)) problems.at(value(f, kind), path + "." + kind, "true is the only value");
                Kind<Double> k = kind.equals("load") ? NUMBER : PERCENT;
                CheckSpec.Limits d = monitor.limits().get(kind);
                yield new CheckSpec.Host(kind, new CheckSpec.Limits(scalar(f, "warning", path, k, d.warning(), lookup), scalar(f, "critical", path, k, d.critical(), lookup)));
            }
            case "disk" -> {
                String mount = scalar(f, "disk", path, NON_EMPTY, null, lookup);
                if (mount != null && !mount.strip().equals("all") && !mount.strip().startsWith("/")) {
                    problems.at(value(f, "disk"), path + ".disk", "expected an absolute path (a mount point or a directory on it) or all, got \"" + mount + "\"");
                }
                CheckSpec.Limits d = monitor.limits().get("disk");
                CheckSpec.Limits used = new CheckSpec.Limits(scalar(f, "warning", path, PERCENT, d.warning(), lookup), scalar(f, "critical", path, PERCENT, d.critical(), lookup));
                // warning/critical are the space limits; inodes keep monitor.inodes
                yield new CheckSpec.Disk(mount == null || mount.strip().equals("all") ? null : mount.strip(), used, monitor.limits().get("inodes"));
            }
            case "gpu" -> {
                Boolean on = scalar(f, kind, path, BOOL, null, lookup);
                if (Boolean.FALSE.equals(on)) problems.at(value(f, kind), path + ".gpu", "true is the only value");
                // warning/critical are utilisation limits (none by default: a GPU doing its job is busy); memory 90% / 95%
                CheckSpec.Limits l = new CheckSpec.Limits(scalar(f, "warning", path, PERCENT, null, lookup), scalar(f, "critical", path, PERCENT, null, lookup));
                yield new CheckSpec.Gpu(l, new CheckSpec.Limits(90.0, 95.0));
            }
            case "log" -> {
                String target = scalar(f, "log", path, NON_EMPTY, null, lookup);
                String pattern = scalar(f, "pattern", path, REGEX, "ERROR|Exception|FATAL|panic", lookup);
                Duration window = scalar(f, "window", path, DURATION, Duration.ofMinutes(5), lookup);
                String w = textOf(value(f, "warning"));
                String c = textOf(value(f, "critical"));
                boolean percent = (w == null && c == null) || (w != null && w.strip().endsWith("%")) || (c != null && c.strip().endsWith("%"));
                Kind<Double> k = percent ? PERCENT : NUMBER;
                if (w != null && c != null && w.strip().endsWith("%") != c.strip().endsWith("%")) {
                    problems.at(node, path, "warning and critical are both percentages (a share of the lines) or both counts");
                }
                CheckSpec.Limits l = new CheckSpec.Limits(scalar(f, "warning", path, k, w == null && c == null ? 10.0 : null, lookup), scalar(f, "critical", path, k, null, lookup));
                if (target == null) yield null;
                List<Path> files = new ArrayList<>();
                var app = apps.stream().filter(a -> a.name().equals(target.strip())).findFirst();
                if (app.isPresent()) {
                    AppSpec a = app.get(); // each instance's error log (or merged log), named as the supervisor names them
                    for (int i = 0; i < Math.max(1, a.instances()); i++) {
                        files.add(a.logs().dir().resolve(a.name() + "-" + i + (a.logs().merge() ? ".log" : "-err.log")));
                    }
                } else if (target.contains("/") || target.contains(".")) {
                    files.add(baseDir.resolve(target.strip()).normalize());
                } else {
                    problems.at(value(f, "log"), path + ".log", "no app named \"" + target + "\" in this file, and not a path (apps: "
                            + String.join(", ", apps.stream().map(AppSpec::name).toList()) + ")"
                            + Suggestions.didYouMean(target, apps.stream().map(AppSpec::name).toList()));
                    yield null;
                }
                yield new CheckSpec.LogErrors(List.copyOf(files), pattern, window, percent, l);
            }
            case "app" -> {
                String app = scalar(f, "app", path, NON_EMPTY, null, lookup);
                if (app != null && apps.stream().noneMatch(a -> a.name().equals(app.strip()))) {
                    problems.at(value(f, "app"), path + ".app", "no app named \"" + app + "\" in this file"
                            + Suggestions.didYouMean(app.strip(), apps.stream().map(AppSpec::name).toList()));
                }
                CheckSpec.Limits d = monitor.limits().get("restarts");
                yield app == null ? null : new CheckSpec.App(app.strip(), new CheckSpec.Limits(scalar(f, "warning", path, NUMBER, d.warning(), lookup),
                        scalar(f, "critical", path, NUMBER, d.critical(), lookup)));
            }
            case "backup" -> {
                String b = scalar(f, "backup", path, NON_EMPTY, null, lookup);
                if (b != null && backups.stream().noneMatch(x -> x.name().equals(b.strip()))) {
                    problems.at(value(f, "backup"), path + ".backup", "no backup named \"" + b + "\" in this file's backups:"
                            + Suggestions.didYouMean(b.strip(), backups.stream().map(BackupSpec::name).toList()));
                }
                Duration w = scalar(f, "warning", path, DURATION, null, lookup);
                Duration c = scalar(f, "critical", path, DURATION, null, lookup);
                if (b != null && w == null && c == null && backups.stream().anyMatch(x -> x.name().equals(b.strip()) && x.schedule() == null)) {
                    problems.at(node, path, "backup " + b.strip() + " has no schedule: give warning: and/or critical: (the age that is too old)");
                }
                yield b == null ? null : new CheckSpec.BackupAge(b.strip(), new CheckSpec.Limits(w == null ? null : (double) w.toSeconds(), c == null ? null : (double) c.toSeconds()));
            }
            default -> {
                Duration every = scalar(f, "heartbeat", path, INTERVAL, null, lookup);
                Duration grace = scalar(f, "grace", path, DURATION, null, lookup);
                if (every == null) yield null;
                if (grace == null) grace = every.dividedBy(10).compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : every.dividedBy(10);
                yield new CheckSpec.Heartbeat(every, grace);
            }
        };
        if (problemCount() == before && probe != null) limitsInOrder(probe, node, path);
        if (problemCount() > before || probe == null) return null;
        for (int i = 0; i < channels.size(); i++) channelRefs.add(new ChannelRef(path + ".channels", channels.get(i), channelPlaces.get(i)));
        return new CheckSpec(name, probe, interval, timeout, failures, channels, false);
    }

    /** channels: one name or a list, as {@link #commands} reads them, with where each is written. */
    private List<String> channels(Node node, String field, Function<String, String> lookup, List<Node> places) {
        List<String> out = new ArrayList<>();
        List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : node == null ? List.of() : List.of(node);
        if (node != null && !(node instanceof SequenceNode) && !(node instanceof ScalarNode)) {
            problems.at(node, field, "expected a string or a list of strings, got " + YamlSource.describe(node));
            return out;
        }
        for (int i = 0; i < items.size(); i++) {
            String s = text(items.get(i), node instanceof SequenceNode ? field + "[" + i + "]" : field, NON_EMPTY, lookup);
            if (s != null) {
                out.add(s.strip());
                places.add(items.get(i));
            }
        }
        return out;
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
    }

    /** warning must come before critical: below it when higher is worse, above it for TLS days left. */
    private void limitsInOrder(CheckSpec.Probe probe, Node node, String path) {
        CheckSpec.Limits given = CheckSpec.limitsOf(probe);
        // TLS: lower is worse, so the order flips
        CheckSpec.Limits l = probe instanceof CheckSpec.Tls ? new CheckSpec.Limits(given.critical(), given.warning()) : given;
        if (l.warning() != null && l.critical() != null && l.warning() >= l.critical()) {
            problems.at(node, path, probe instanceof CheckSpec.Tls
                    ? "warning (" + l.critical() + " days) must be more days than critical (" + l.warning() + " days)"
                    : "warning (" + l.warning() + ") must be below critical (" + l.critical() + "), with the defaults counted; set both");
        }
    }

    private String textOf(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private CheckSpec.Limits latency(Map<String, NodeTuple> f, String path, Function<String, String> lookup) {
        Duration w = scalar(f, "warning", path, DURATION, null, lookup);
        Duration c = scalar(f, "critical", path, DURATION, Duration.ofSeconds(3), lookup);
        return new CheckSpec.Limits(w == null ? null : (double) w.toMillis(), c == null ? null : (double) c.toMillis());
    }
}
