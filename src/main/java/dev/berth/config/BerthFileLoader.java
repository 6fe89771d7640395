package dev.berth.config;

import dev.berth.config.AppSpec.Command;
import dev.berth.config.AppSpec.ExecCommand;
import dev.berth.config.AppSpec.HttpReady;
import dev.berth.config.AppSpec.LogLineReady;
import dev.berth.config.AppSpec.LogSpec;
import dev.berth.config.AppSpec.PortReady;
import dev.berth.config.AppSpec.Readiness;
import dev.berth.config.AppSpec.RestartPolicy;
import dev.berth.config.AppSpec.ShellCommand;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import dev.berth.text.Suggestions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads and validates a berth.yml into a {@link BerthFile}. Every problem in the file is collected, each
 * with its line, column and field path, and reported together in one {@link ConfigException}: a user
 * fixes a file in one pass, not one error per run. The allowed keys come from {@code reference.yml}.
 */
public final class BerthFileLoader {
    static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    static final int APP_NAME_MAX = 64;
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final List<String> SIGNALS = List.of("TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "KILL");
    /** What {@code logs.timestamp: true} means. */
    public static final String DEFAULT_TIMESTAMP = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private static final String APP_LEVEL = "apps.*";

    private final Map<String, String> variables;
    private final Path defaultLogDir;
    private final SecretBox secrets;
    private final ReferenceSchema schema = ReferenceSchema.load();

    /**
     * @param variables     what ${VAR} reads first (usually the daemon's environment)
     * @param defaultLogDir log directory of apps that set no logs.dir
     */
    public BerthFileLoader(Map<String, String> variables, Path defaultLogDir) {
        this(variables, defaultLogDir, null);
    }

    private BerthFileLoader(Map<String, String> variables, Path defaultLogDir, SecretBox secrets) {
        this.variables = Map.copyOf(variables);
        this.defaultLogDir = defaultLogDir.toAbsolutePath().normalize();
        this.secrets = secrets;
    }

    /** A loader that can read env files sealed by this box (a release's recorded configuration). */
    public BerthFileLoader withSecrets(SecretBox box) {
        return new BerthFileLoader(variables, defaultLogDir, box);
    }

    /**
     * @param envProfile the env_&lt;profile&gt; to apply ("production"), or null for none
     * @throws ConfigException with every problem found, when there is at least one
     */
    public BerthFile load(Path file, String envProfile) throws ConfigException {
        return load(file, envProfile, null, Map.of());
    }

    /**
     * Loads a copy of a berth.yml kept elsewhere (a release's recorded configuration) as if it
     * were in its original directory.
     *
     * @param baseDir      what relative paths are resolved against, or null for the file's directory
     * @param envFileCopies env files to read instead of the ones named (resolved path -&gt; the copy)
     */
    public BerthFile load(Path file, String envProfile, Path baseDir, Map<Path, Path> envFileCopies) throws ConfigException {
        Path path = file.toAbsolutePath().normalize();
        Reading reading = new Reading(path, envProfile, baseDir, envFileCopies);
        List<AppSpec> apps = reading.file();
        if (!reading.problems.isEmpty()) {
            throw new ConfigException(reading.problems.sorted());
        }
        List<Path> inputs = new ArrayList<>();
        inputs.add(path);
        for (Path p : reading.envFilesRead) if (!inputs.contains(p)) inputs.add(p);
        return new BerthFile(path, List.copyOf(apps), List.copyOf(inputs), List.copyOf(reading.backups), List.copyOf(reading.checks), reading.alerts);
    }

    /** How one kind of scalar value is read; {@code parse} throws IllegalArgumentException saying what is valid. */
    private record Kind<T>(String expected, Function<String, T> parse) { }

    private static IllegalArgumentException invalid(String expected, String got) {
        String shown = got.length() > 60 ? got.substring(0, 60) + "..." : got;
        return new IllegalArgumentException(expected + ", got \"" + shown + "\"");
    }

    private static Kind<Integer> integer(int min, int max, String expected) {
        return new Kind<>(expected, s -> {
            try {
                int n = Integer.parseInt(s.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the message that says what is valid
            }
            throw invalid(expected, s);
        });
    }

    private static final Kind<Boolean> BOOL = new Kind<>("expected true or false", s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw invalid("expected true or false", s);
    });
    private static final Kind<Duration> DURATION = new Kind<>(Durations.EXPECTED, Durations::parse);
    private static final Kind<Long> SIZE = new Kind<>(Sizes.EXPECTED, s -> {
        long bytes = Sizes.parse(s);
        if (bytes == 0) {
            throw invalid(Sizes.EXPECTED + " and more than 0", s);
        }
        return bytes;
    });
    private static final Kind<String> CRON = new Kind<>(CronExpressions.EXPECTED, CronExpressions::validate);
    private static final Kind<Integer> INSTANCES = new Kind<>("expected an integer >= 1 or \"max\"", s -> {
        if (s.trim().equals("max")) {
            return Runtime.getRuntime().availableProcessors();
        }
        return integer(1, Integer.MAX_VALUE, "expected an integer >= 1 or \"max\"").parse().apply(s);
    });
    private static final Kind<Integer> PORT = integer(1, 65535, "expected a port number from 1 to 65535");
    private static final Kind<Integer> MAX_RESTARTS = integer(0, Integer.MAX_VALUE, "expected an integer >= 0");
    private static final Kind<Integer> KEEP = integer(1, Integer.MAX_VALUE, "expected an integer >= 1");
    private static final String SIGNAL_EXPECTED = "expected one of " + String.join(", ", SIGNALS) + " (SIG prefix optional)";
    private static final Kind<String> SIGNAL = new Kind<>(SIGNAL_EXPECTED, s -> {
        String name = s.trim().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        if (!SIGNALS.contains(name)) {
            throw invalid(SIGNAL_EXPECTED, s);
        }
        return name;
    });
    private static final String TIMESTAMP_EXPECTED = "expected true, false or a java.time DateTimeFormatter pattern like \"yyyy-MM-dd HH:mm:ss\"";
    private static final Kind<String> TIMESTAMP = new Kind<>(TIMESTAMP_EXPECTED, s -> {
        String t = s.trim();
        if (t.equalsIgnoreCase("false")) {
            return null;
        }
        return t.equalsIgnoreCase("true") ? DEFAULT_TIMESTAMP : checkTimestampPattern(t);
    });

    /**
     * A logs.timestamp pattern, checked twice: as java.time understands it, and as the log relay can
     * write it ({@link TimestampPattern}), so that a pattern that loads is a pattern that works.
     */
    static String checkTimestampPattern(String pattern) {
        try {
            // formatting a full date-time also catches patterns that only fail when used
            DateTimeFormatter.ofPattern(pattern).format(ZonedDateTime.now());
            TimestampPattern.toRelayFormat(pattern);
            return pattern;
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException(TIMESTAMP_EXPECTED + ", got \"" + pattern + "\": " + e.getMessage());
        }
    }
    private static final Kind<String> TEXT = new Kind<>("expected a string", s -> s);
    private static final Kind<String> COMPRESS = new Kind<>("expected zstd, gzip or none", s -> switch (s.trim()) {
        case "zstd", "gzip", "none" -> s.trim();
        default -> throw invalid("expected zstd, gzip or none", s);
    });
    /** daily, weekly and monthly at the hours users' setup_cron_backup.sh scripts use. */
    private static final Kind<String> SCHEDULE = new Kind<>("expected daily, weekly, monthly or a 5-field cron expression", s -> switch (s.trim()) {
        case "daily" -> "0 2 * * *";
        case "weekly" -> "0 3 * * 0";
        case "monthly" -> "0 4 1 * *";
        default -> CronExpressions.validate(s);
    });
    private static final Kind<java.net.URI> ENDPOINT = new Kind<>("expected an http:// or https:// URL, like https://s3.amazonaws.com", s -> {
        try {
            java.net.URI u = new java.net.URI(s.strip());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getRawQuery() != null) {
                throw invalid("expected an http:// or https:// URL, like https://s3.amazonaws.com", s);
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw invalid("expected an http:// or https:// URL, like https://s3.amazonaws.com", s);
        }
    });
    private static final Kind<String> BUCKET = new Kind<>("expected a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens", s -> {
        if (!s.strip().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) throw invalid("expected a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens", s);
        return s.strip();
    });
    /** S3 parts are at least 5 MiB (except the last) and at most 5 GiB. */
    private static final Kind<Long> PART_SIZE = new Kind<>("expected a size from 5M to 5G, like 64M", s -> {
        long v = Sizes.parse(s);
        if (v < (5L << 20) || v > (5L << 30)) throw invalid("expected a size from 5M to 5G, like 64M", s);
        return v;
    });
    private record HostPort(String host, int port) { }

    private static Kind<HostPort> hostPort(Integer defaultPort) {
        String expected = defaultPort == null ? "expected host:port, like 127.0.0.1:5432" : "expected host or host:port, like example.com:443";
        return new Kind<>(expected, s -> {
            String v = s.strip();
            int colon = v.lastIndexOf(':');
            String host = colon < 0 ? v : v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            try {
                int port = colon < 0 ? (defaultPort == null ? -1 : defaultPort) : Integer.parseInt(v.substring(colon + 1));
                if (host.isEmpty() || port < 1 || port > 65535 || host.contains("/")) throw invalid(expected, s);
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw invalid(expected, s);
            }
        });
    }

    private static final Kind<HostPort> HOST_PORT = hostPort(null);
    private static final Kind<HostPort> HOST_PORT_443 = hostPort(443);
    private static final Kind<java.net.URI> HTTP_URL = new Kind<>("expected an http:// or https:// URL", s -> {
        try {
            java.net.URI u = new java.net.URI(s.strip());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) throw invalid("expected an http:// or https:// URL", s);
            return u;
        } catch (java.net.URISyntaxException e) {
            throw invalid("expected an http:// or https:// URL", s);
        }
    });
    private static final Kind<String> HTTP_METHOD = new Kind<>("expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", s -> {
        String m = s.strip().toUpperCase(Locale.ROOT);
        if (!List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS").contains(m)) throw invalid("expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", s);
        return m;
    });
    private static final Kind<Double> PERCENT = new Kind<>("expected a percentage from 0% to 100%, like 85%", s -> {
        String v = s.strip();
        try {
            double d = Double.parseDouble(v.endsWith("%") ? v.substring(0, v.length() - 1).strip() : v);
            if (d < 0 || d > 100 || Double.isNaN(d)) throw invalid("expected a percentage from 0% to 100%, like 85%", s);
            return d;
        } catch (NumberFormatException e) {
            throw invalid("expected a percentage from 0% to 100%, like 85%", s);
        }
    });
    private static final Kind<Double> NUMBER = new Kind<>("expected a number >= 0", s -> {
        try {
            double d = Double.parseDouble(s.strip());
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw invalid("expected a number >= 0", s);
            return d;
        } catch (NumberFormatException e) {
            throw invalid("expected a number >= 0", s);
        }
    });
    /** Days, as a duration (14d) or a plain number of days. */
    private static final Kind<Double> DAYS = new Kind<>("expected a number of days, like 14d", s -> {
        String v = s.strip();
        if (v.matches("\\d+(\\.\\d+)?")) return Double.parseDouble(v);
        return Durations.parse(v).toSeconds() / 86400.0;
    });
    /** Check intervals and quiet windows: at least a second. */
    private static final Kind<Duration> INTERVAL = new Kind<>(Durations.EXPECTED + ", at least 1s", s -> {
        Duration d = Durations.parse(s);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) throw invalid(Durations.EXPECTED + ", at least 1s", s);
        return d;
    });
    private static final Kind<String> REGEX = new Kind<>("expected a regular expression", s -> {
        try {
            java.util.regex.Pattern.compile(s);
            return s;
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("expected a regular expression: " + e.getDescription() + " near index " + e.getIndex() + " of \"" + s + "\"");
        }
    });
    private static final Kind<String> SMTP_TLS = new Kind<>("expected ssl, starttls or none", s -> switch (s.strip()) {
        case "ssl", "starttls", "none" -> s.strip();
        default -> throw invalid("expected ssl, starttls or none", s);
    });
    private static final Kind<String> EMAIL = new Kind<>("expected an email address", s -> {
        if (!s.strip().matches("[^@\\s]+@[^@\\s]+")) throw invalid("expected an email address", s);
        return s.strip();
    });
    private static final java.util.regex.Pattern CHECK_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,62}");
    private static final Kind<String> NON_EMPTY = new Kind<>("expected a non-empty string", s -> {
        if (s.isBlank()) {
            throw invalid("expected a non-empty string", s);
        }
        return s;
    });

    /** The state of one load() call. */
    private final class Reading {
        final Problems problems;
        final Path baseDir;
        final String profile;
        final Set<String> definedProfiles = new TreeSet<>();
        final List<Path> envFilesRead = new ArrayList<>();

        final Map<Path, Path> envFileCopies;
        final List<BackupSpec> backups = new ArrayList<>();
        List<CheckSpec> checks = List.of();
        AlertsSpec alerts = AlertsSpec.NONE;

        Reading(Path file, String profile, Path baseDir, Map<Path, Path> envFileCopies) {
            this.problems = new Problems(file);
            this.baseDir = baseDir != null ? baseDir : file.getParent();
            this.envFileCopies = envFileCopies;
            this.profile = profile;
        }

        List<AppSpec> file() {
            Node root = YamlSource.read(problems.file(), problems, secrets);
            if (root == null) {
                return List.of();
            }
            if (!(root instanceof MappingNode top)) {
                problems.at(root, null, "expected a mapping with an apps: key, got " + YamlSource.describe(root));
                return List.of();
            }
            Map<String, NodeTuple> entries = YamlSource.entries(top, "", problems);
            schema.checkKeys(entries, "", "", problems);
            NodeTuple appsEntry = entries.get("apps");
            List<AppSpec> apps = new ArrayList<>();
            NodeTuple backupsEntry = entries.get("backups");
            if (backupsEntry != null && !YamlSource.isNull(backupsEntry.getValueNode())) {
                backups(backupsEntry.getValueNode());
            }
            if ((appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) && (!backups.isEmpty() || entries.containsKey("checks"))) {
                // a file with backups or checks only is fine
            } else if (appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) {
                problems.at(appsEntry == null ? top : appsEntry.getKeyNode(), "apps",
                        "is required (unless the file has backups: or checks:): a mapping of app name to app settings");
            } else if (!(appsEntry.getValueNode() instanceof MappingNode appsNode)) {
                problems.at(appsEntry.getValueNode(), "apps", "expected a mapping of app name to app settings, got "
                        + YamlSource.describe(appsEntry.getValueNode()));
            } else {
                if (appsNode.getValue().isEmpty()) {
                    problems.at(appsNode, "apps", "expected at least one app");
                }
                for (NodeTuple app : YamlSource.entries(appsNode, "apps", problems).values()) {
                    AppSpec spec = app(app);
                    if (spec != null) {
                        apps.add(spec);
                    }
                }
            }
            for (NodeTuple app : appsEntry != null && appsEntry.getValueNode() instanceof MappingNode am ? am.getValue() : List.<NodeTuple>of()) {
                checkDeployBackup(app);
            }
            NodeTuple monitorEntry = entries.get("monitor");
            MonitorDefaults monitor = monitor(monitorEntry == null || YamlSource.isNull(monitorEntry.getValueNode()) ? null : monitorEntry.getValueNode());
            NodeTuple checksEntry = entries.get("checks");
            checks = checks(checksEntry == null || YamlSource.isNull(checksEntry.getValueNode()) ? null : checksEntry.getValueNode(), monitor, apps);
            NodeTuple alertsEntry = entries.get("alerts");
            alerts = alerts(alertsEntry == null || YamlSource.isNull(alertsEntry.getValueNode()) ? null : alertsEntry.getValueNode());
            for (CheckSpec c : checks) {
                for (String ch : c.channels()) {
                    if (alerts.channels().stream().noneMatch(x -> x.name().equals(ch))) {
                        problems.inFile(null, "checks." + c.name() + ".channels: no channel named \"" + ch + "\" in alerts.channels"
                                + Suggestions.didYouMean(ch, alerts.channels().stream().map(AlertsSpec.Channel::name).toList()));
                    }
                }
            }
            if (profile != null && !definedProfiles.contains(profile)) {
                problems.inFile(null, "env profile \"" + profile + "\" is not defined by any app (no env_" + profile + " key); "
                        + (definedProfiles.isEmpty() ? "no app defines an env_<profile> key"
                        : "defined profiles: " + String.join(", ", definedProfiles)));
            }
            return apps;
        }

        /** One app, or null when it has problems (they are recorded). */
        AppSpec app(NodeTuple tuple) {
            Node nameNode = tuple.getKeyNode();
            String name = ((ScalarNode) nameNode).getValue();
            String path = "apps." + name;
            int before = problemCount();
            if (!APP_NAME.matcher(name).matches() || name.length() > APP_NAME_MAX) {
                problems.at(nameNode, path, "app names are lowercase letters, digits and . _ - (starting with a letter or digit),"
                        + " at most " + APP_NAME_MAX + " characters, got \"" + name + "\"");
            }
            if (!(tuple.getValueNode() instanceof MappingNode appNode)) {
                problems.at(tuple.getValueNode(), path, "expected a mapping of app settings (run or script, ...), got "
                        + YamlSource.describe(tuple.getValueNode()));
                return null;
            }
            Map<String, NodeTuple> f = YamlSource.entries(appNode, path, problems);
            schema.checkKeys(f, APP_LEVEL, path, problems);

            // env_file first: its values are both the base of env and a source for ${VAR}
            Map<String, String> fileEnv = envFiles(value(f, "env_file"), path + ".env_file");
            Function<String, String> lookup = n -> variables.containsKey(n) ? variables.get(n) : fileEnv.get(n);

            Command command = command(f, nameNode, path, lookup);
            DeploySpec deploy = deploy(value(f, "deploy"), path + ".deploy", lookup);
            // A deployed app runs in its live release unless told otherwise; `current` appears with the first deploy.
            Path cwd = deploy != null && value(f, "cwd") == null ? deploy.path().resolve("current")
                    : cwd(value(f, "cwd"), path + ".cwd", lookup);

            Map<String, String> env = new LinkedHashMap<>(fileEnv);
            env.putAll(envMap(value(f, "env"), path + ".env", lookup));
            String appliedProfile = null;
            for (String key : f.keySet()) {
                if (ReferenceSchema.isProfileKey(key) && ReferenceSchema.PROFILE.matcher(key.substring(4)).matches()) {
                    definedProfiles.add(key.substring(4));
                    if (key.equals("env_" + profile)) {
                        env.putAll(envMap(value(f, key), path + "." + key, lookup));
                        appliedProfile = profile;
                    }
                }
            }

            int instances = scalar(f, "instances", path, INSTANCES, 1, lookup);
            int portProblems = problemCount();
            Integer port = scalar(f, "port", path, PORT, null, lookup);
            // a port already reported as wrong is one problem: what needs the port does not report it again
            boolean portUnset = port == null && problemCount() == portProblems;
            RestartPolicy defaults = RestartPolicy.defaults();
            RestartPolicy restart = new RestartPolicy(
                    scalar(f, "autorestart", path, BOOL, defaults.autorestart(), lookup),
                    scalar(f, "max_restarts", path, MAX_RESTARTS, defaults.maxRestarts(), lookup),
                    scalar(f, "min_uptime", path, DURATION, defaults.minUptime(), lookup),
                    scalar(f, "restart_delay", path, DURATION, defaults.restartDelay(), lookup),
                    scalar(f, "backoff", path, BOOL, defaults.backoff(), lookup),
                    scalar(f, "max_restart_delay", path, DURATION, defaults.maxDelay(), lookup));
            if (restart.backoff() && restart.maxDelay().compareTo(restart.restartDelay()) < 0 && f.containsKey("max_restart_delay")) {
                problems.at(value(f, "max_restart_delay"), path + ".max_restart_delay",
                        "must be at least restart_delay (" + Durations.format(restart.restartDelay()) + ")");
            }
            Long maxMemory = scalar(f, "max_memory", path, SIZE, null, lookup);
            String cron = scalar(f, "cron_restart", path, CRON, null, lookup);
            String stopSignal = scalar(f, "stop_signal", path, SIGNAL, "TERM", lookup);
            Duration killTimeout = scalar(f, "kill_timeout", path, DURATION, Duration.ofSeconds(5), lookup);
            Readiness ready = ready(value(f, "ready"), path + ".ready", portUnset, lookup);
            if (deploy != null && deploy.health() != null && portUnset) {
                problems.at(value(value(f, "deploy") instanceof MappingNode m ? YamlSource.entries(m, path, problems) : Map.of(), "health"),
                        path + ".deploy.health", "the health check needs the app's port: set " + path + ".port");
            }
            LogSpec logs = logs(value(f, "logs"), path + ".logs", lookup);

            if (problemCount() > before) {
                return null;
            }
            return new AppSpec(name, command, cwd, Collections.unmodifiableMap(env), appliedProfile, instances, port, restart,
                    maxMemory, cron, stopSignal, killTimeout, ready, logs, deploy);
        }

        Command command(Map<String, NodeTuple> f, Node nameNode, String path, Function<String, String> lookup) {
            Node run = value(f, "run");
            Node script = value(f, "script");
            if (run != null && script != null) {
                problems.at(f.get("script").getKeyNode(), path + ".script", "use either run (a command line) or script (a program), not both");
                return null;
            }
            if (run == null && script == null) {
                problems.at(nameNode, path, "expected run (a command line) or script (a program, with args)");
                return null;
            }
            if (run != null) {
                for (String k : List.of("args", "interpreter")) {
                    if (value(f, k) != null) {
                        problems.at(f.get(k).getKeyNode(), path + "." + k,
                                "applies only with script; with run, put everything in the command line");
                    }
                }
                String line = text(run, path + ".run", NON_EMPTY, lookup);
                return line == null ? null : new ShellCommand(line.strip());
            }
            List<String> program = new ArrayList<>();
            String interpreter = text(value(f, "interpreter"), path + ".interpreter", NON_EMPTY, lookup);
            if (interpreter != null) {
                // "node --max-old-space-size=512" is a program and its options
                program.addAll(Arrays.asList(interpreter.strip().split("\\s+")));
            }
            String scriptPath = text(script, path + ".script", NON_EMPTY, lookup);
            program.add(scriptPath == null ? "" : scriptPath.strip());
            program.addAll(args(value(f, "args"), path + ".args", lookup));
            return new ExecCommand(List.copyOf(program));
        }

        List<String> args(Node node, String field, Function<String, String> lookup) {
            List<String> args = new ArrayList<>();
            if (node == null) {
                return args;
            }
            if (node instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String s = YamlSource.isNull(item) ? null : text(item, field + "[" + i + "]", TEXT, lookup);
                    if (s != null) {
                        args.add(s);
                    } else if (YamlSource.isNull(item)) {
                        problems.at(item, field + "[" + i + "]", "expected a string, got nothing");
                    }
                }
                return args;
            }
            if (node instanceof ScalarNode) {
                String s = text(node, field, TEXT, lookup);
                if (s != null && !s.isBlank()) {
                    args.addAll(Arrays.asList(s.strip().split("\\s+")));
                }
                return args;
            }
            problems.at(node, field, "expected a list of strings or one string (split on whitespace), got " + YamlSource.describe(node));
            return args;
        }

        Path cwd(Node node, String field, Function<String, String> lookup) {
            if (node == null) {
                return baseDir;
            }
            String s = text(node, field, NON_EMPTY, lookup);
            if (s == null) {
                return baseDir;
            }
            Path dir = baseDir.resolve(s.strip()).normalize();
            if (!Files.exists(dir)) {
                problems.at(node, field, "directory " + dir + " does not exist (cwd is relative to the berth.yml directory)");
            } else if (!Files.isDirectory(dir)) {
                problems.at(node, field, dir + " is not a directory");
            }
            return dir;
        }

        /** env_file: one path or a list; later files override earlier ones. Interpolated from the environment only. */
        Map<String, String> envFiles(Node node, String field) {
            Map<String, String> values = new LinkedHashMap<>();
            if (node == null) {
                return values;
            }
            List<Node> items = new ArrayList<>();
            List<String> fields = new ArrayList<>();
            if (node instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    items.add(seq.getValue().get(i));
                    fields.add(field + "[" + i + "]");
                }
            } else {
                items.add(node);
                fields.add(field);
            }
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                if (!(item instanceof ScalarNode) || YamlSource.isNull(item)) {
                    problems.at(item, fields.get(i), "expected a path to a .env file or a list of them, got " + YamlSource.describe(item));
                    continue;
                }
                String name = text(item, fields.get(i), NON_EMPTY, variables::get);
                if (name == null) {
                    continue;
                }
                Path envFile = baseDir.resolve(name.strip()).normalize();
                envFile = envFileCopies.getOrDefault(envFile, envFile);
                if (!Files.isRegularFile(envFile)) {
                    problems.at(item, fields.get(i), "env file " + envFile + (Files.exists(envFile) ? " is not a file" : " not found")
                            + " (env_file paths are relative to the berth.yml directory)");
                    continue;
                }
                envFilesRead.add(envFile);
                try {
                    byte[] bytes = Files.readAllBytes(envFile);
                    if (SecretBox.isSealed(bytes)) {
                        if (secrets == null) throw new IOException("it is sealed, and this reader has no key");
                        String text = new String(secrets.open(bytes), java.nio.charset.StandardCharsets.UTF_8);
                        values.putAll(Dotenv.parse(text.lines().toList(), envFile));
                    } else {
                        values.putAll(Dotenv.parse(envFile));
                    }
                } catch (ConfigException e) {
                    e.problems().forEach(problems::add);
                } catch (IOException e) {
                    problems.at(item, fields.get(i), "cannot read env file " + envFile + ": " + e.getMessage());
                }
            }
            return values;
        }

        Map<String, String> envMap(Node node, String field, Function<String, String> lookup) {
            Map<String, String> env = new LinkedHashMap<>();
            if (node == null) {
                return env;
            }
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, field, "expected a mapping of NAME: value, got " + YamlSource.describe(node));
                return env;
            }
            for (Map.Entry<String, NodeTuple> e : YamlSource.entries(mapping, field, problems).entrySet()) {
                String key = e.getKey();
                String keyField = field + "." + key;
                if (!ENV_NAME.matcher(key).matches()) {
                    problems.at(e.getValue().getKeyNode(), keyField,
                            "environment variable names are letters, digits and _, not starting with a digit");
                }
                Node v = e.getValue().getValueNode();
                if (YamlSource.isNull(v)) {
                    env.put(key, "");
                } else if (v instanceof ScalarNode) {
                    String s = text(v, keyField, TEXT, lookup);
                    if (s != null) {
                        env.put(key, s);
                    }
                } else {
                    problems.at(v, keyField, "expected a string, number or boolean, got " + YamlSource.describe(v));
                }
            }
            return env;
        }

        Readiness ready(Node node, String path, boolean portUnset, Function<String, String> lookup) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, path, "expected a mapping with one of port: true, http: /path or log: \"text\", got "
                        + YamlSource.describe(node));
                return null;
            }
            Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
            schema.checkKeys(f, APP_LEVEL + ".ready", path, problems);
            Duration timeout = scalar(f, "timeout", path, DURATION, Duration.ofSeconds(30), lookup);
            List<String> kinds = f.keySet().stream().filter(k -> List.of("port", "http", "log").contains(k)).toList();
            if (kinds.size() != 1) {
                problems.at(node, path, "expected exactly one of port: true, http: /path or log: \"text\""
                        + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
                return null;
            }
            String kind = kinds.get(0);
            Node v = value(f, kind);
            String field = path + "." + kind;
            if (v == null) {
                problems.at(f.get(kind).getKeyNode(), field, "has no value");
                return null;
            }
            if (!kind.equals("log") && portUnset) {
                problems.at(f.get(kind).getKeyNode(), field, "readiness by " + kind + " needs the app's port: set "
                        + path.substring(0, path.length() - ".ready".length()) + ".port");
            }
            switch (kind) {
                case "port" -> {
                    Boolean on = text(v, field, BOOL, lookup);
                    if (Boolean.FALSE.equals(on)) {
                        problems.at(v, field, "true is the only value (to not wait for readiness, remove ready)");
                    }
                    return new PortReady(timeout);
                }
                case "http" -> {
                    String p = text(v, field, NON_EMPTY, lookup);
                    if (p != null && !p.startsWith("/")) {
                        problems.at(v, field, "expected a path starting with /, like /healthz, got \"" + p + "\"");
                    }
                    return new HttpReady(p, timeout);
                }
                default -> {
                    return new LogLineReady(text(v, field, NON_EMPTY, lookup), timeout);
                }
            }
        }

        LogSpec logs(Node node, String path, Function<String, String> lookup) {
            LogSpec none = new LogSpec(defaultLogDir, false, null, null, null, 5, true);
            if (node == null) {
                return none;
            }
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, path, "expected a mapping (dir, merge, timestamp, rotate), got " + YamlSource.describe(node));
                return none;
            }
            Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
            schema.checkKeys(f, APP_LEVEL + ".logs", path, problems);
            String dirText = scalar(f, "dir", path, NON_EMPTY, null, lookup);
            Path dir = dirText == null ? defaultLogDir : baseDir.resolve(dirText.strip()).normalize();
            boolean merge = scalar(f, "merge", path, BOOL, false, lookup);
            String timestamp = scalar(f, "timestamp", path, TIMESTAMP, null, lookup);

            Node rotateNode = value(f, "rotate");
            if (rotateNode == null) {
                return new LogSpec(dir, merge, timestamp, null, null, 5, true);
            }
            String rotatePath = path + ".rotate";
            if (!(rotateNode instanceof MappingNode rotateMapping)) {
                problems.at(rotateNode, rotatePath, "expected a mapping (size, age, keep, compress), got " + YamlSource.describe(rotateNode));
                return none;
            }
            Map<String, NodeTuple> r = YamlSource.entries(rotateMapping, rotatePath, problems);
            schema.checkKeys(r, APP_LEVEL + ".logs.rotate", rotatePath, problems);
            Long size = scalar(r, "size", rotatePath, SIZE, null, lookup);
            Duration age = scalar(r, "age", rotatePath, DURATION, null, lookup);
            if (value(r, "size") == null && value(r, "age") == null) {
                problems.at(rotateNode, rotatePath, "expected size and/or age: when to rotate (like size: 10M or age: 1d)");
            }
            int keep = scalar(r, "keep", rotatePath, KEEP, 5, lookup);
            boolean compress = scalar(r, "compress", rotatePath, BOOL, true, lookup);
            return new LogSpec(dir, merge, timestamp, size, age, keep, compress);
        }

        /** deploy.backup must name a backup of this file. */
        void checkDeployBackup(NodeTuple app) {
            if (!(app.getValueNode() instanceof MappingNode appNode)) return;
            Node deploy = value(YamlSource.entries(appNode, "", new Problems(problems.file())), "deploy");
            if (!(deploy instanceof MappingNode d)) return;
            NodeTuple b = YamlSource.entries(d, "", new Problems(problems.file())).get("backup");
            if (b == null || !(b.getValueNode() instanceof ScalarNode name) || name.getValue().isBlank()) return;
            if (backups.stream().noneMatch(x -> x.name().equals(name.getValue().strip()))) {
                String field = "apps." + ((ScalarNode) app.getKeyNode()).getValue() + ".deploy.backup";
                problems.at(name, field, "no backup named \"" + name.getValue().strip() + "\" in this file's backups:"
                        + (backups.isEmpty() ? " (it has none)" : "; backups: " + String.join(", ", backups.stream().map(BackupSpec::name).toList()))
                        + Suggestions.didYouMean(name.getValue().strip(), backups.stream().map(BackupSpec::name).toList()));
            }
        }

        void backups(Node node) {
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, "backups", "expected a mapping of backup name to its settings, got " + YamlSource.describe(node));
                return;
            }
            for (NodeTuple t : YamlSource.entries(mapping, "backups", problems).values()) {
                BackupSpec b = backup(t);
                if (b != null) {
                    backups.add(b);
                }
            }
        }

        BackupSpec backup(NodeTuple tuple) {
            String name = ((ScalarNode) tuple.getKeyNode()).getValue();
            String path = "backups." + name;
            int before = problemCount();
            if (!APP_NAME.matcher(name).matches() || name.length() > APP_NAME_MAX) {
                problems.at(tuple.getKeyNode(), path, "backup names are lowercase letters, digits and . _ - (starting with a letter or digit),"
                        + " at most " + APP_NAME_MAX + " characters, got \"" + name + "\"");
            }
            if (!(tuple.getValueNode() instanceof MappingNode node)) {
                problems.at(tuple.getValueNode(), path, "expected a mapping (postgres, mysql, sqlite, redis or dir, and to, compress, schedule),"
                        + " got " + YamlSource.describe(tuple.getValueNode()));
                return null;
            }
            Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
            schema.checkKeys(f, "backups.*", path, problems);
            Map<String, String> fileEnv = envFiles(value(f, "env_file"), path + ".env_file");
            Function<String, String> lookup = n -> variables.containsKey(n) ? variables.get(n) : fileEnv.get(n);
            List<String> kinds = f.keySet().stream().filter(k -> List.of("postgres", "mysql", "mongo", "sqlite", "redis", "dir").contains(k)).toList();
            if (kinds.size() != 1) {
                problems.at(node, path, "expected exactly one source: postgres (a database), mysql (a database), mongo (a database),"
                        + " sqlite (a file), redis (true) or dir (a directory)" + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
                return null;
            }
            String kind = kinds.get(0);
            String host = scalar(f, "host", path, NON_EMPTY, "127.0.0.1", lookup);
            BackupSpec.Source source = switch (kind) {
                case "postgres" -> new BackupSpec.Postgres(scalar(f, kind, path, NON_EMPTY, null, lookup), host,
                        scalar(f, "port", path, PORT, 5432, lookup), scalar(f, "user", path, NON_EMPTY, "postgres", lookup));
                case "mysql" -> new BackupSpec.MySql(scalar(f, kind, path, NON_EMPTY, null, lookup), host,
                        scalar(f, "port", path, PORT, 3306, lookup), scalar(f, "user", path, NON_EMPTY, "root", lookup));
                case "mongo" -> new BackupSpec.Mongo(scalar(f, kind, path, NON_EMPTY, null, lookup), host,
                        scalar(f, "port", path, PORT, 27017, lookup), scalar(f, "user", path, NON_EMPTY, null, lookup));
                case "sqlite" -> {
                    String file = scalar(f, kind, path, NON_EMPTY, null, lookup);
                    yield file == null ? null : new BackupSpec.Sqlite(baseDir.resolve(file.strip()).normalize());
                }
                case "redis" -> {
                    Boolean on = scalar(f, kind, path, BOOL, null, lookup);
                    if (Boolean.FALSE.equals(on)) problems.at(value(f, kind), path + ".redis", "true is the only value (host and port say which server)");
                    yield new BackupSpec.Redis(host, scalar(f, "port", path, PORT, 6379, lookup));
                }
                default -> {
                    String dir = scalar(f, kind, path, NON_EMPTY, null, lookup);
                    yield dir == null ? null : new BackupSpec.Dir(baseDir.resolve(dir.strip()).normalize(), commands(value(f, "exclude"), path + ".exclude", lookup));
                }
            };
            if (value(f, "exclude") != null && !kind.equals("dir")) {
                problems.at(f.get("exclude").getKeyNode(), path + ".exclude", "applies only to a dir backup");
            }
            for (String k : List.of("host", "port", "user")) {
                if (value(f, k) != null && (kind.equals("sqlite") || kind.equals("dir") || (kind.equals("redis") && k.equals("user")))) {
                    problems.at(f.get(k).getKeyNode(), path + "." + k, "does not apply to a " + kind + " backup");
                }
            }
            String to = scalar(f, "to", path, NON_EMPTY, null, lookup);
            String compress = scalar(f, "compress", path, COMPRESS, "zstd", lookup);
            String schedule = scalar(f, "schedule", path, SCHEDULE, null, lookup);
            String drill = scalar(f, "drill", path, SCHEDULE, null, lookup);
            Duration grace = scalar(f, "grace", path, DURATION, Duration.ofHours(1), lookup);
            for (String k : List.of("grace", "catch_up")) {
                if (value(f, k) != null && schedule == null) problems.at(f.get(k).getKeyNode(), path + "." + k, "applies only with a schedule");
            }
            BackupSpec.Retention keep = new BackupSpec.Retention(scalar(f, "keep_last", path, KEEP, null, lookup),
                    scalar(f, "keep_daily", path, KEEP, null, lookup), scalar(f, "keep_weekly", path, KEEP, null, lookup),
                    scalar(f, "keep_monthly", path, KEEP, null, lookup), scalar(f, "max_age", path, DURATION, null, lookup));
            List<String> recipients = commands(value(f, "age_recipients"), path + ".age_recipients", lookup);
            for (String r : recipients) {
                if (!r.startsWith("age1") && !r.startsWith("ssh-")) {
                    problems.at(value(f, "age_recipients"), path + ".age_recipients", "expected age public keys (age1...) or ssh keys, got \""
                            + (r.length() > 20 ? r.substring(0, 20) + "..." : r) + "\"");
                }
            }
            String identity = scalar(f, "age_identity", path, NON_EMPTY, null, lookup);
            if (identity != null && recipients.isEmpty()) {
                problems.at(f.get("age_identity").getKeyNode(), path + ".age_identity", "applies only with age_recipients");
            }
            BackupSpec.Encryption encrypt = recipients.isEmpty() ? null
                    : new BackupSpec.Encryption(recipients, identity == null ? null : baseDir.resolve(identity.strip()).normalize());
            BackupSpec.Offsite offsite = offsite(value(f, "offsite"), path + ".offsite", name, lookup);
            if (problemCount() > before || source == null) {
                return null;
            }
            return new BackupSpec(name, source, to == null ? null : baseDir.resolve(to.strip()).normalize(), compress,
                    Collections.unmodifiableMap(new LinkedHashMap<>(fileEnv)), schedule, keep, encrypt, drill, grace,
                    scalar(f, "catch_up", path, BOOL, true, lookup), offsite);
        }

        // ---- checks:, monitor:, alerts:

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
            String name = ((ScalarNode) tuple.getKeyNode()).getValue();
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
            List<String> channels = commands(value(f, "channels"), path + ".channels", lookup);
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
                    Set<Integer> expect = new java.util.LinkedHashSet<>();
                    for (String s : commands(value(f, "expect_status"), path + ".expect_status", lookup)) {
                        try {
                            int code = Integer.parseInt(s.strip());
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
            return new CheckSpec(name, probe, interval, timeout, failures, channels, false);
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

        /** headers: a mapping of any header names (not only environment variable names) to strings. */
        Map<String, String> envMapAny(Node node, String field, Function<String, String> lookup) {
            Map<String, String> out = new LinkedHashMap<>();
            if (node == null) return out;
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, field, "expected a mapping of Name: value, got " + YamlSource.describe(node));
                return out;
            }
            for (Map.Entry<String, NodeTuple> e : YamlSource.entries(mapping, field, problems).entrySet()) {
                String v = text(e.getValue().getValueNode(), field + "." + e.getKey(), TEXT, lookup);
                if (v != null) out.put(e.getKey(), v);
            }
            return out;
        }

        AlertsSpec alerts(Node node) {
            if (node == null) return AlertsSpec.NONE;
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, "alerts", "expected a mapping (channels, resend, group_wait, ...), got " + YamlSource.describe(node));
                return AlertsSpec.NONE;
            }
            Map<String, NodeTuple> f = YamlSource.entries(mapping, "alerts", problems);
            schema.checkKeys(f, "alerts", "alerts", problems);
            Map<String, String> fileEnv = envFiles(value(f, "env_file"), "alerts.env_file");
            Function<String, String> lookup = n -> variables.containsKey(n) ? variables.get(n) : fileEnv.get(n);
            Duration resend = scalar(f, "resend", "alerts", DURATION, Duration.ofMinutes(30), lookup);
            Duration groupWait = scalar(f, "group_wait", "alerts", DURATION, Duration.ofSeconds(10), lookup);
            String server = scalar(f, "server", "alerts", NON_EMPTY, null, lookup);
            List<AlertsSpec.Maintenance> windows = new ArrayList<>();
            Node m = value(f, "maintenance");
            if (m instanceof MappingNode mm) {
                for (NodeTuple t : YamlSource.entries(mm, "alerts.maintenance", problems).values()) {
                    String field = "alerts.maintenance." + ((ScalarNode) t.getKeyNode()).getValue();
                    if (!(t.getValueNode() instanceof MappingNode wm)) {
                        problems.at(t.getValueNode(), field, "expected cron: and duration:, got " + YamlSource.describe(t.getValueNode()));
                        continue;
                    }
                    Map<String, NodeTuple> wf = YamlSource.entries(wm, field, problems);
                    schema.checkKeys(wf, "alerts.maintenance.*", field, problems);
                    String cron = scalar(wf, "cron", field, CRON, null, lookup);
                    Duration d = scalar(wf, "duration", field, INTERVAL, null, lookup);
                    if (value(wf, "cron") == null || value(wf, "duration") == null) problems.at(wm, field, "expected cron: (when it starts) and duration: (how long)");
                    if (cron != null && d != null) windows.add(new AlertsSpec.Maintenance(cron, d));
                }
            } else if (m != null) {
                problems.at(m, "alerts.maintenance", "expected a mapping of window name to cron: and duration:, got " + YamlSource.describe(m));
            }
            List<AlertsSpec.Channel> channels = new ArrayList<>();
            Node c = value(f, "channels");
            if (c instanceof MappingNode cm) {
                for (NodeTuple t : YamlSource.entries(cm, "alerts.channels", problems).values()) {
                    AlertsSpec.Channel ch = channel(t, lookup);
                    if (ch != null) channels.add(ch);
                }
            } else if (c != null) {
                problems.at(c, "alerts.channels", "expected a mapping of channel name to its settings, got " + YamlSource.describe(c));
            }
            return new AlertsSpec(List.copyOf(channels), resend.isZero() ? null : resend, groupWait, server, List.copyOf(windows));
        }

        static final List<String> CHANNEL_KINDS = List.of("wecom", "dingtalk", "feishu", "slack", "email", "webhook");

        AlertsSpec.Channel channel(NodeTuple t, Function<String, String> lookup) {
            String name = ((ScalarNode) t.getKeyNode()).getValue();
            String path = "alerts.channels." + name;
            int before = problemCount();
            if (!APP_NAME.matcher(name).matches()) {
                problems.at(t.getKeyNode(), path, "channel names are lowercase letters, digits and . _ - (starting with a letter or digit), got \"" + name + "\"");
            }
            if (!(t.getValueNode() instanceof MappingNode node)) {
                problems.at(t.getValueNode(), path, "expected a mapping with one of " + String.join(", ", CHANNEL_KINDS) + ", got " + YamlSource.describe(t.getValueNode()));
                return null;
            }
            Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
            schema.checkKeys(f, "alerts.channels.*", path, problems);
            List<String> kinds = f.keySet().stream().filter(CHANNEL_KINDS::contains).toList();
            if (kinds.size() != 1) {
                problems.at(node, path, "expected exactly one kind: " + String.join(", ", CHANNEL_KINDS) + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
                return null;
            }
            String kind = kinds.get(0);
            Map<String, List<String>> only = Map.of("secret", List.of("dingtalk", "feishu"), "mention_mobiles", List.of("wecom", "dingtalk"),
                    "mention_users", List.of("wecom", "dingtalk", "feishu"), "mention_all", List.of("wecom", "dingtalk", "feishu"),
                    "tls", List.of("email"), "user", List.of("email"), "password", List.of("email"), "from", List.of("email"), "to", List.of("email"),
                    "headers", List.of("webhook"));
            for (var e : only.entrySet()) {
                if (value(f, e.getKey()) != null && !e.getValue().contains(kind)) {
                    problems.at(f.get(e.getKey()).getKeyNode(), path + "." + e.getKey(), "applies only to " + String.join(", ", e.getValue()) + " channels");
                }
            }
            List<String> mobiles = commands(value(f, "mention_mobiles"), path + ".mention_mobiles", lookup);
            List<String> users = commands(value(f, "mention_users"), path + ".mention_users", lookup);
            boolean all = scalar(f, "mention_all", path, BOOL, false, lookup);
            String secret = scalar(f, "secret", path, NON_EMPTY, null, lookup);
            AlertsSpec.Channel ch = switch (kind) {
                case "wecom" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.WeCom(name, u, mobiles, users, all);
                }
                case "dingtalk" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.DingTalk(name, u, secret, mobiles, users, all);
                }
                case "feishu" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Feishu(name, u, secret, users, all);
                }
                case "slack" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Slack(name, u);
                }
                case "webhook" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Webhook(name, u, envMapAny(value(f, "headers"), path + ".headers", lookup));
                }
                default -> {
                    HostPort hp = scalar(f, kind, path, HOST_PORT, null, lookup);
                    String tls = scalar(f, "tls", path, SMTP_TLS, hp != null && hp.port() == 465 ? "ssl" : "starttls", lookup);
                    String from = scalar(f, "from", path, EMAIL, null, lookup);
                    List<String> to = commands(value(f, "to"), path + ".to", lookup);
                    for (String addr : to) {
                        if (!addr.matches("[^@\\s]+@[^@\\s]+")) problems.at(value(f, "to"), path + ".to", "expected email addresses, got \"" + addr + "\"");
                    }
                    if (from == null) problems.at(node, path + ".from", "expected from: the sender address");
                    if (to.isEmpty()) problems.at(node, path + ".to", "expected to: one or more recipient addresses");
                    yield hp == null || from == null || to.isEmpty() ? null : new AlertsSpec.Email(name, hp.host(), hp.port(), tls,
                            scalar(f, "user", path, NON_EMPTY, null, lookup), scalar(f, "password", path, TEXT, null, lookup), from, to);
                }
            };
            return problemCount() > before ? null : ch;
        }

        /** backups.NAME.offsite: an S3-compatible bucket; keys default to AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
        BackupSpec.Offsite offsite(Node node, String path, String backupName, Function<String, String> lookup) {
            if (node == null) return null;
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, path, "expected a mapping (endpoint, bucket, access_key, secret_key, ...), got " + YamlSource.describe(node));
                return null;
            }
            int before = problemCount();
            Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
            schema.checkKeys(f, "backups.*.offsite", path, problems);
            java.net.URI endpoint = scalar(f, "endpoint", path, ENDPOINT, null, lookup);
            if (value(f, "endpoint") == null) problems.at(node, path + ".endpoint", "expected endpoint: the S3 server's URL, like https://s3.amazonaws.com or http://127.0.0.1:9000");
            String bucket = scalar(f, "bucket", path, BUCKET, null, lookup);
            if (value(f, "bucket") == null) problems.at(node, path + ".bucket", "expected bucket: the bucket the archives go to");
            String prefix = scalar(f, "prefix", path, TEXT, backupName + "/", lookup);
            prefix = prefix.strip().replaceAll("^/+", "");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
            String accessKey = credential(f, "access_key", "AWS_ACCESS_KEY_ID", path, node, lookup);
            String secretKey = credential(f, "secret_key", "AWS_SECRET_ACCESS_KEY", path, node, lookup);
            String host = endpoint == null ? "" : endpoint.getHost();
            // AWS and the big clouds want virtual-host style; MinIO and most self-hosted servers path style
            boolean cloud = host.endsWith(".amazonaws.com") || host.endsWith(".myqcloud.com") || host.endsWith(".aliyuncs.com");
            boolean pathStyle = scalar(f, "path_style", path, BOOL, !cloud, lookup);
            Long partSize = scalar(f, "part_size", path, PART_SIZE, 64L << 20, lookup);
            BackupSpec.Retention keep = new BackupSpec.Retention(scalar(f, "keep_last", path, KEEP, null, lookup),
                    scalar(f, "keep_daily", path, KEEP, null, lookup), scalar(f, "keep_weekly", path, KEEP, null, lookup),
                    scalar(f, "keep_monthly", path, KEEP, null, lookup), scalar(f, "max_age", path, DURATION, null, lookup));
            String region = scalar(f, "region", path, NON_EMPTY, "us-east-1", lookup);
            if (problemCount() > before || endpoint == null || bucket == null || accessKey == null || secretKey == null) return null;
            return new BackupSpec.Offsite(endpoint, region.strip(), bucket.strip(), prefix, pathStyle, accessKey, secretKey, partSize, keep);
        }

        private String credential(Map<String, NodeTuple> f, String key, String variable, String path, Node node, Function<String, String> lookup) {
            String v = scalar(f, key, path, NON_EMPTY, null, lookup);
            if (v == null && value(f, key) == null) v = lookup.apply(variable);
            if (v == null || v.isBlank()) {
                if (value(f, key) == null) {
                    problems.at(node, path + "." + key, "expected " + key + ", or " + variable + " in the environment or the backup's env_file"
                            + " (write it as ${VAR}, never as a literal in berth.yml)");
                }
                return null;
            }
            return v.strip();
        }

        DeploySpec deploy(Node node, String path, Function<String, String> lookup) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, path, "expected a mapping (path, git or dir or archive, steps, ...), got " + YamlSource.describe(node));
                return null;
            }
            int before = problemCount();
            Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
            schema.checkKeys(f, APP_LEVEL + ".deploy", path, problems);
            String base = scalar(f, "path", path, NON_EMPTY, null, lookup);
            if (base == null && value(f, "path") == null) {
                problems.at(node, path + ".path", "expected path: the directory that holds releases/, shared/ and current");
            }
            List<String> kinds = f.keySet().stream().filter(k -> List.of("git", "dir", "archive").contains(k)).toList();
            DeploySpec.Source source = null;
            if (kinds.size() != 1) {
                problems.at(node, path, "expected exactly one source: git (a repository), dir (a directory) or archive"
                        + " (.tar.gz, .tgz, .zip or .jar)" + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            } else {
                String kind = kinds.get(0);
                String v = scalar(f, kind, path, NON_EMPTY, null, lookup);
                if (v != null) {
                    v = v.strip();
                    source = switch (kind) {
                        // a URL stays as it is; a local repository path is taken from the berth.yml directory
                        case "git" -> new DeploySpec.GitSource(v.contains("://") || v.contains("@") ? v : baseDir.resolve(v).normalize().toString(),
                                scalar(f, "branch", path, NON_EMPTY, null, lookup));
                        case "dir" -> new DeploySpec.DirSource(baseDir.resolve(v).normalize());
                        default -> {
                            String lower = v.toLowerCase(Locale.ROOT);
                            if (!(lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".zip") || lower.endsWith(".jar"))) {
                                problems.at(value(f, kind), path + ".archive", "expected a .tar.gz, .tgz, .zip or .jar file, got \"" + v + "\"");
                            }
                            yield new DeploySpec.ArchiveSource(baseDir.resolve(v).normalize());
                        }
                    };
                }
            }
            if (value(f, "branch") != null && !kinds.equals(List.of("git"))) {
                problems.at(f.get("branch").getKeyNode(), path + ".branch", "applies only to a git source");
            }
            int keepReleases = scalar(f, "keep_releases", path, KEEP, 5, lookup);
            List<String> shared = new ArrayList<>();
            for (String entry : commands(value(f, "shared"), path + ".shared", lookup)) {
                String e = entry.strip();
                Path rel = Path.of(e.endsWith("/") ? e.substring(0, e.length() - 1) : e).normalize();
                if (e.isEmpty() || rel.isAbsolute() || rel.startsWith("..") || rel.toString().isEmpty()) {
                    problems.at(value(f, "shared"), path + ".shared", "expected paths inside the release, like .env or uploads/, got \"" + e + "\"");
                } else {
                    shared.add(e.endsWith("/") ? rel + "/" : rel.toString());
                }
            }
            Duration stepTimeout = scalar(f, "step_timeout", path, DURATION, Duration.ofMinutes(10), lookup);
            List<DeploySpec.Step> steps = new ArrayList<>();
            for (String stepName : DeploySpec.STEP_NAMES) {
                DeploySpec.Step step = step(value(f, stepName), path + "." + stepName, stepName, stepTimeout, lookup);
                if (step != null) {
                    steps.add(step);
                }
            }
            List<String> beforeSwitch = commands(value(f, "before_switch"), path + ".before_switch", lookup);
            List<String> afterSwitch = commands(value(f, "after_switch"), path + ".after_switch", lookup);
            Duration settle = scalar(f, "settle", path, DURATION, Duration.ofSeconds(60), lookup);
            String health = scalar(f, "health", path, NON_EMPTY, null, lookup);
            String backup = scalar(f, "backup", path, NON_EMPTY, null, lookup);
            boolean preflight = scalar(f, "preflight", path, BOOL, true, lookup);
            if (health != null && !health.startsWith("/")) {
                problems.at(value(f, "health"), path + ".health", "expected a path starting with /, like /healthz, got \"" + health + "\"");
            }
            if (problemCount() > before || base == null || source == null) {
                return null;
            }
            return new DeploySpec(baseDir.resolve(base.strip()).normalize(), source, keepReleases, List.copyOf(shared), List.copyOf(steps),
                    beforeSwitch, afterSwitch, settle, health, backup == null ? null : backup.strip(), preflight);
        }

        /** A step: a command line, or a mapping of run and timeout. */
        DeploySpec.Step step(Node node, String field, String name, Duration defaultTimeout, Function<String, String> lookup) {
            if (node == null) {
                return null;
            }
            if (node instanceof ScalarNode) {
                String run = text(node, field, NON_EMPTY, lookup);
                return run == null ? null : new DeploySpec.Step(name, run.strip(), defaultTimeout);
            }
            if (!(node instanceof MappingNode mapping)) {
                problems.at(node, field, "expected a command line, or run: and timeout:, got " + YamlSource.describe(node));
                return null;
            }
            Map<String, NodeTuple> f = YamlSource.entries(mapping, field, problems);
            schema.checkKeys(f, APP_LEVEL + ".deploy.build", field, problems); // every step has the form reference.yml shows for build
            String run = scalar(f, "run", field, NON_EMPTY, null, lookup);
            if (value(f, "run") == null) {
                problems.at(node, field + ".run", "expected run: the command line of the step");
            }
            Duration timeout = scalar(f, "timeout", field, DURATION, defaultTimeout, lookup);
            return run == null ? null : new DeploySpec.Step(name, run.strip(), timeout);
        }

        /** One command line or a list of them (hooks, shared entries). */
        List<String> commands(Node node, String field, Function<String, String> lookup) {
            List<String> out = new ArrayList<>();
            if (node == null) {
                return List.of();
            }
            if (node instanceof ScalarNode) {
                String s = text(node, field, NON_EMPTY, lookup);
                if (s != null) {
                    out.add(s.strip());
                }
                return List.copyOf(out);
            }
            if (!(node instanceof SequenceNode seq)) {
                problems.at(node, field, "expected a string or a list of strings, got " + YamlSource.describe(node));
                return List.of();
            }
            for (int i = 0; i < seq.getValue().size(); i++) {
                String s = text(seq.getValue().get(i), field + "[" + i + "]", NON_EMPTY, lookup);
                if (s != null) {
                    out.add(s.strip());
                }
            }
            return List.copyOf(out);
        }

        /** The value node of a key, or null when the key is absent or has no value. */
        Node value(Map<String, NodeTuple> f, String key) {
            NodeTuple t = f.get(key);
            return t == null || YamlSource.isNull(t.getValueNode()) ? null : t.getValueNode();
        }

        /** A scalar setting, interpolated and parsed; the default when it is absent or has a problem (recorded). */
        <T> T scalar(Map<String, NodeTuple> f, String key, String path, Kind<T> kind, T dflt,
                     Function<String, String> lookup) {
            Node node = value(f, key);
            if (node == null) {
                return dflt;
            }
            T v = text(node, YamlSource.join(path, key), kind, lookup);
            return v == null ? dflt : v;
        }

        /** Interpolates and parses one scalar node; null when it has a problem (recorded). */
        <T> T text(Node node, String field, Kind<T> kind, Function<String, String> lookup) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof ScalarNode scalar)) {
                problems.at(node, field, kind.expected() + ", got " + YamlSource.describe(node));
                return null;
            }
            Interpolation.Result expanded = Interpolation.expand(scalar.getValue(), lookup);
            if (!expanded.problems().isEmpty()) {
                expanded.problems().forEach(p -> problems.at(node, field, p));
                return null;
            }
            try {
                return kind.parse().apply(expanded.value());
            } catch (IllegalArgumentException e) {
                problems.at(node, field, e.getMessage());
                return null;
            }
        }

        int problemCount() {
            return problems.size();
        }
    }
}
