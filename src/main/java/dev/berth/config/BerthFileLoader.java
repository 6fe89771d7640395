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
        return new BerthFile(path, List.copyOf(apps), List.copyOf(inputs), List.copyOf(reading.backups));
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

        Reading(Path file, String profile, Path baseDir, Map<Path, Path> envFileCopies) {
            this.problems = new Problems(file);
            this.baseDir = baseDir != null ? baseDir : file.getParent();
            this.envFileCopies = envFileCopies;
            this.profile = profile;
        }

        List<AppSpec> file() {
            Node root = YamlSource.read(problems.file(), problems);
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
            if ((appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) && !backups.isEmpty()) {
                // a file with backups only is fine
            } else if (appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) {
                problems.at(appsEntry == null ? top : appsEntry.getKeyNode(), "apps",
                        "is required: a mapping of app name to app settings");
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
            Integer port = scalar(f, "port", path, PORT, null, lookup);
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
            Readiness ready = ready(value(f, "ready"), path + ".ready", port, lookup);
            if (deploy != null && deploy.health() != null && port == null) {
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

        Readiness ready(Node node, String path, Integer port, Function<String, String> lookup) {
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
            if (!kind.equals("log") && port == null) {
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
            if (health != null && !health.startsWith("/")) {
                problems.at(value(f, "health"), path + ".health", "expected a path starting with /, like /healthz, got \"" + health + "\"");
            }
            if (problemCount() > before || base == null || source == null) {
                return null;
            }
            return new DeploySpec(baseDir.resolve(base.strip()).normalize(), source, keepReleases, List.copyOf(shared), List.copyOf(steps),
                    beforeSwitch, afterSwitch, settle, health, backup == null ? null : backup.strip());
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
