package dev.berth.config;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Output;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts a PM2 ecosystem file (ecosystem.config.js or .json) into a berth.yml, moving literal secrets
 * found in env into a 0600 env file that the berth.yml reads with ${KEY}. Whatever has no Berth
 * equivalent is left out with a note, in the result and in the berth.yml's header.
 */
public final class Pm2Import {

    /**
     * @param berthYml     the berth.yml written
     * @param envFile      the env file written, or null when no secret had to be moved
     * @param apps         apps converted
     * @param secretsMoved env values moved to the env file
     * @param notes        what was left out or changed, one sentence each, prefixed by the app name
     */
    public record Result(Path berthYml, Path envFile, int apps, int secretsMoved, List<String> notes) { }

    /**
     * Prints module.exports as JSON after a marker, so that anything the file itself prints is skipped.
     * The path comes as an argument (process.argv[1]), never pasted into the script.
     */
    static final String NODE_SCRIPT = "const m = require(process.argv[1]);"
            + "process.stdout.write('\\n" + "@@BERTH_JSON@@" + "' + JSON.stringify(m && m.default && !m.apps ? m.default : m));";
    private static final String MARKER = "@@BERTH_JSON@@";
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(30);

    /** Extensions PM2 runs with a known interpreter when none is given. */
    private static final Map<String, String> INTERPRETERS = Map.of(
            ".js", "node", ".cjs", "node", ".mjs", "node", ".py", "python3", ".sh", "bash", ".rb", "ruby", ".php", "php", ".pl", "perl");

    private final String nodeCommand;

    public Pm2Import() {
        this("node");
    }

    /** @param nodeCommand the node executable used to evaluate .js ecosystem files */
    public Pm2Import(String nodeCommand) {
        this.nodeCommand = nodeCommand;
    }

    /** Like {@link #convert(Path, Path, Path, boolean)} without overwriting existing files. */
    public Result convert(Path ecosystemFile, Path outBerthYml, Path outEnvFile) throws IOException {
        return convert(ecosystemFile, outBerthYml, outEnvFile, false);
    }

    /**
     * @param force overwrite outBerthYml and outEnvFile when they exist
     * @throws FileAlreadyExistsException an output exists and force is false
     * @throws IllegalStateException    node is needed and missing
     * @throws IllegalArgumentException the ecosystem file has no usable app or cannot be evaluated
     */
    public Result convert(Path ecosystemFile, Path outBerthYml, Path outEnvFile, boolean force) throws IOException {
        Path source = ecosystemFile.toAbsolutePath().normalize();
        Path yml = outBerthYml.toAbsolutePath().normalize();
        Path envFile = outEnvFile.toAbsolutePath().normalize();
        List<Map<String, Object>> pm2Apps = appsOf(read(source), source);

        Conversion c = new Conversion(source.getParent(), yml.getParent());
        Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
        for (Map<String, Object> pm2 : pm2Apps) {
            c.app(pm2, apps, envFile);
        }
        if (apps.isEmpty()) {
            throw new IllegalArgumentException(source + ": no app with a script to convert");
        }

        // check every output before writing any: nothing is half-written
        boolean writesEnv = !c.secrets.isEmpty();
        for (Path out : writesEnv ? List.of(yml, envFile) : List.of(yml)) {
            if (Files.exists(out) && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "already exists; remove it, choose another output, or use --force to overwrite it");
            }
        }
        if (writesEnv) {
            StringBuilder env = new StringBuilder("# Secrets moved out of berth.yml by berth import-pm2 from " + source + "\n"
                    + "# Keep this file out of version control.\n");
            c.secrets.forEach((k, v) -> env.append(Dotenv.format(k, v)).append('\n'));
            writeAtomically(envFile, env.toString(), PosixFilePermissions.fromString("rw-------"));
        }
        writeAtomically(yml, berthYml(source, apps, c.notes), PosixFilePermissions.fromString("rw-r--r--"));
        return new Result(yml, writesEnv ? envFile : null, apps.size(), c.secretCount, List.copyOf(c.notes));
    }

    // ---- reading the ecosystem file ---------------------------------------------------------

    private Object read(Path source) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException(source + ": file not found");
        }
        String name = source.getFileName().toString();
        if (name.endsWith(".json")) {
            try {
                return Json.read(InputFiles.utf8(InputFiles.read(source), source));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage());
            }
        }
        if (name.endsWith(".js") || name.endsWith(".cjs")) {
            InputFiles.read(source); // node reads it; a file of gigabytes is refused first
            return Json.read(evaluateWithNode(source));
        }
        throw new IllegalArgumentException(source + ": expected an ecosystem file ending in .js, .cjs or .json");
    }

    private String evaluateWithNode(Path source) throws IOException {
        CommandResult r;
        try {
            r = CommandRunner.local().run(nodeEvaluation(source));
        } catch (InterruptedIOException e) {
            throw new IOException("interrupted while evaluating " + source, e);
        } catch (IOException e) {
            throw new IllegalStateException("node is needed to read " + source.getFileName() + " (" + nodeCommand
                    + " could not be started: " + e.getMessage() + "); install Node.js, or convert the file to JSON"
                    + " (node -e \"console.log(JSON.stringify(require('./" + source.getFileName() + "')))\" > ecosystem.json)"
                    + " and import that");
        }
        if (r.timedOut()) {
            throw new IllegalArgumentException(source + ": node did not finish within " + NODE_TIMEOUT.toSeconds() + "s");
        }
        if (r.truncated()) {
            throw new IllegalArgumentException(source + ": node printed more than " + InputFiles.MAX_BYTES + " bytes for it; a berth.yml input is at most that");
        }
        int marker = r.output().lastIndexOf(MARKER);
        if (r.exitCode() != 0 || marker < 0) {
            throw new IllegalArgumentException(source + ": node could not evaluate it (exit " + r.exitCode() + "): " + r.errors().strip());
        }
        return r.output().substring(marker + MARKER.length());
    }

    /** node printing the file's module.exports as JSON; what it prints is bounded like an input file. */
    Command nodeEvaluation(Path source) {
        return Command.of(nodeCommand, "-e", NODE_SCRIPT, source.toString()).withDirectory(source.getParent())
                .withOutput(Output.captured(InputFiles.MAX_BYTES)).withTimeout(NODE_TIMEOUT);
    }

    /** module.exports may be {apps: [...]}, an array of apps, or a single app. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> appsOf(Object exported, Path source) {
        Object apps = exported;
        if (exported instanceof Map<?, ?> m && m.containsKey("apps")) {
            apps = m.get("apps");
        } else if (exported instanceof Map<?, ?> m && m.containsKey("script")) {
            apps = List.of(m);
        }
        if (apps instanceof Map<?, ?> single) {
            apps = List.of(single);
        }
        if (!(apps instanceof List<?> list)) {
            throw new IllegalArgumentException(source + ": expected {apps: [...]} or an array of apps");
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> app) {
                result.add((Map<String, Object>) app);
            }
        }
        return result;
    }

    // ---- converting ---------------------------------------------------------------------------

    /** The state of one conversion: notes, secrets moved so far, names taken. */
    private static final class Conversion {
        final Path sourceDir;
        final Path outDir;
        final List<String> notes = new ArrayList<>();
        /** env file name -> value */
        final Map<String, String> secrets = new LinkedHashMap<>();
        int secretCount;
        final Set<String> names = new HashSet<>();

        Conversion(Path sourceDir, Path outDir) {
            this.sourceDir = sourceDir;
            this.outDir = outDir;
        }

        void app(Map<String, Object> pm2, Map<String, Map<String, Object>> apps, Path envFile) {
            String name = appName(pm2.get("name"));
            Object script = pm2.get("script");
            if (script == null || string(script).isBlank()) {
                notes.add(name + ": has no script and was left out");
                return;
            }
            // berth.yml values are interpolated: a literal $ from PM2 must be written as $$
            Map<String, Object> app = new LinkedHashMap<>();
            Map<String, Object> logs = new LinkedHashMap<>();
            String interpreter = null;
            List<String> interpreterArgs = new ArrayList<>();
            boolean secretsHere = false;

            for (Map.Entry<String, Object> e : pm2.entrySet()) {
                String key = e.getKey();
                Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                switch (key) {
                    case "name", "script" -> { } // handled around the loop
                    case "args" -> {
                        if (!(v instanceof List<?>) && string(v).matches(".*['\"\\\\].*")) {
                            // the args themselves are not echoed: they may hold a token
                            notes.add(name + ": args is a string with quotes; Berth splits it on whitespace only:"
                                    + " write args as a list if an argument has spaces");
                        }
                        app.put("args", v instanceof List<?> l
                                ? l.stream().map(o -> Interpolation.escape(string(o))).toList()
                                : Interpolation.escape(string(v)));
                    }
                    case "interpreter" -> interpreter = string(v).equals("none") ? "" : string(v);
                    case "node_args", "interpreter_args" -> interpreterArgs.addAll(v instanceof List<?> l
                            ? l.stream().map(Pm2Import::string).toList() : Arrays.asList(string(v).trim().split("\\s+")));
                    case "cwd" -> { } // handled after the loop, with the default
                    case "instances" -> instances(name, v, app);
                    case "exec_mode" -> notes.add(name + ": exec_mode " + string(v) + " is ignored: Berth runs each instance as its own"
                            + " process, instance i on port + i");
                    case "env" -> secretsHere |= env(name, "env", v, app, true);
                    case "max_memory_restart" -> size(name, v).ifPresent(s -> app.put("max_memory", s));
                    case "cron_restart" -> cron(name, string(v)).ifPresent(s -> app.put("cron_restart", s));
                    case "autorestart" -> app.put("autorestart", bool(v));
                    case "max_restarts" -> {
                        if (string(v).matches("\\d+")) {
                            app.put("max_restarts", string(v));
                        } else {
                            notes.add(name + ": max_restarts " + string(v) + " is not understood and was left out (default 10)");
                        }
                    }
                    case "min_uptime" -> duration(name, key, v).ifPresent(d -> app.put("min_uptime", d));
                    case "restart_delay" -> duration(name, key, v).ifPresent(d -> app.putIfAbsent("restart_delay", d));
                    case "exp_backoff_restart_delay" -> duration(name, key, v).ifPresent(d -> {
                        if (pm2.containsKey("restart_delay")) {
                            notes.add(name + ": restart_delay is replaced by exp_backoff_restart_delay (the first delay of the backoff)");
                        }
                        app.put("restart_delay", d);
                        app.put("backoff", true);
                    });
                    case "kill_timeout" -> duration(name, key, v).ifPresent(d -> app.put("kill_timeout", d));
                    case "merge_logs", "combine_logs" -> logs.put("merge", bool(v));
                    case "log_date_format" -> timestamp(name, string(v)).ifPresent(t -> logs.put("timestamp", t));
                    case "time" -> {
                        if (bool(v)) {
                            logs.putIfAbsent("timestamp", true);
                        }
                    }
                    case "out_file", "error_file", "log_file", "output", "error", "log" -> {
                        Path dir = Path.of(string(v)).getParent();
                        notes.add(name + ": " + key + " " + string(v) + " is not used: Berth names its log files itself"
                                + (dir == null ? "" : "; to keep them in " + dir + " set logs.dir: " + dir));
                    }
                    case "wait_ready" -> notes.add(name + ": wait_ready has no equivalent (process.send('ready')); use ready:"
                            + " with log: \"<a line the app prints when ready>\" or port: true");
                    case "listen_timeout" -> duration(name, key, v).ifPresent(d -> notes.add(name + ": listen_timeout " + string(v)
                            + " is ready.timeout: " + d + " once you add a ready: check"));
                    case "watch", "ignore_watch", "watch_options" -> {
                        if (!key.equals("watch") || !"false".equals(string(v))) {
                            notes.add(name + ": " + key + " is not supported: Berth restarts apps on deploy or berth reload, not on file changes");
                        }
                    }
                    default -> {
                        if (key.startsWith("env_")) {
                            String profile = key.substring(4).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
                            if (profile.isEmpty() || profile.equals("file")) {
                                notes.add(name + ": " + key + " is not a usable profile name and was left out");
                            } else if (!profile.equals(key.substring(4))) {
                                notes.add(name + ": " + key + " is renamed env_" + profile + " (profile names are lowercase letters, digits and _)");
                            }
                            if (!profile.isEmpty() && !profile.equals("file")) {
                                secretsHere |= env(name, "env_" + profile, v, app, false);
                            }
                        } else {
                            notes.add(name + ": " + key + " is not supported by Berth and was left out");
                        }
                    }
                }
            }

            String scriptText = string(script);
            if (interpreter == null) {
                interpreter = INTERPRETERS.entrySet().stream().filter(x -> scriptText.endsWith(x.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse("");
            }
            if (interpreter.isEmpty() && !interpreterArgs.isEmpty()) {
                notes.add(name + ": node_args/interpreter_args are dropped: the script runs without an interpreter");
            }
            String fullInterpreter = interpreter.isEmpty() ? "" : String.join(" ", concat(interpreter, interpreterArgs));

            Map<String, Object> ordered = new LinkedHashMap<>();
            ordered.put("script", Interpolation.escape(scriptText));
            if (!fullInterpreter.isEmpty()) {
                ordered.put("interpreter", Interpolation.escape(fullInterpreter));
            }
            if (app.containsKey("args")) {
                ordered.put("args", app.remove("args"));
            }
            ordered.put("cwd", cwd(name, pm2.get("cwd")));
            if (secretsHere) {
                ordered.put("env_file", Interpolation.escape(relative(envFile)));
            }
            ordered.putAll(app);
            if (!logs.isEmpty()) {
                ordered.put("logs", logs);
            }
            apps.put(name, ordered);
        }

        String appName(Object raw) {
            String original = raw == null ? "app" : string(raw);
            String name = original.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("^[^a-z0-9]+", "");
            if (name.length() > BerthFileLoader.APP_NAME_MAX) {
                name = name.substring(0, BerthFileLoader.APP_NAME_MAX);
            }
            if (name.isEmpty()) {
                name = "app";
            }
            String unique = name;
            for (int i = 2; !names.add(unique); i++) {
                unique = name + "-" + i;
            }
            if (!unique.equals(original)) {
                notes.add(unique + ": renamed from \"" + original + "\" (app names are unique, lowercase letters, digits and . _ -)");
            }
            return unique;
        }

        void instances(String name, Object v, Map<String, Object> app) {
            String s = string(v).trim();
            if (s.equals("max") || s.equals("0")) {
                app.put("instances", "max");
            } else if (s.equals("-1")) {
                app.put("instances", "max");
                notes.add(name + ": instances -1 (all cores but one) became max (one per core)");
            } else if (s.matches("[1-9]\\d*")) {
                app.put("instances", s);
            } else {
                notes.add(name + ": instances " + s + " is not understood and was left out (default 1)");
            }
        }

        /** env or env_&lt;profile&gt;: PORT becomes port:, literal secrets go to the env file. True when a secret moved. */
        boolean env(String name, String key, Object v, Map<String, Object> app, boolean base) {
            if (!(v instanceof Map<?, ?> pm2Env)) {
                notes.add(name + ": " + key + " is not an object and was left out");
                return false;
            }
            Map<String, Object> env = new LinkedHashMap<>();
            boolean moved = false;
            for (Map.Entry<?, ?> e : pm2Env.entrySet()) {
                String var = String.valueOf(e.getKey());
                Object raw = e.getValue();
                if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
                    notes.add(name + ": " + key + "." + var + " is not a plain value and was left out");
                    continue;
                }
                String value = raw == null ? "" : string(raw);
                if (var.equals("PORT") && value.matches("\\d{1,5}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 65535) {
                    if (base) {
                        app.put("port", value);
                        notes.add(name + ": env.PORT became port: " + value + " (Berth sets PORT for each instance: port + i)");
                        continue;
                    }
                    notes.add(name + ": " + key + ".PORT " + value + " is overridden by Berth's own PORT (port + i); set port: instead");
                }
                Optional<SecretDetector.Finding> secret = SecretDetector.inspect(var, value);
                if (secret.isPresent() && BerthFileLoader.ENV_NAME.matcher(var).matches()) {
                    String fileKey = secretName(name, key, var, value);
                    secrets.put(fileKey, value);
                    secretCount++;
                    moved = true;
                    env.put(var, "${" + fileKey + "}");
                } else {
                    env.put(var, Interpolation.escape(value));
                }
            }
            app.put(key, env);
            return moved;
        }

        /** The variable's own name in the env file, unless another app or profile already uses it for another value. */
        String secretName(String app, String envKey, String var, String value) {
            String candidate = var;
            if (secrets.containsKey(candidate) && !secrets.get(candidate).equals(value)) {
                String profile = envKey.equals("env") ? "" : "_" + envKey.substring(4);
                candidate = (app + profile + "_" + var).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
                for (int i = 2; secrets.containsKey(candidate) && !secrets.get(candidate).equals(value); i++) {
                    candidate = (app + profile + "_" + var).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_") + "_" + i;
                }
            }
            return candidate;
        }

        Optional<String> size(String name, Object v) {
            if (v instanceof Number n) {
                return Optional.of(Sizes.format(n.longValue()));
            }
            Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)B?", Pattern.CASE_INSENSITIVE).matcher(string(v).trim());
            if (!m.matches()) {
                notes.add(name + ": max_memory_restart " + string(v) + " is not understood and was left out");
                return Optional.empty();
            }
            int shift = "BKMGT".indexOf(m.group(2).isEmpty() ? "B" : m.group(2).toUpperCase(Locale.ROOT)) * 10;
            return Optional.of(Sizes.format(Math.round(Double.parseDouble(m.group(1)) * (1L << shift))));
        }

        Optional<String> cron(String name, String expr) {
            String[] fields = expr.trim().split("\\s+");
            String candidate = expr.trim();
            if (fields.length == 6) {
                if (!fields[0].equals("0")) {
                    notes.add(name + ": cron_restart \"" + expr + "\" fires on seconds; Berth's cron has minutes at most, left out");
                    return Optional.empty();
                }
                candidate = String.join(" ", Arrays.copyOfRange(fields, 1, 6));
                notes.add(name + ": cron_restart \"" + expr + "\" lost its seconds field (always 0): \"" + candidate + "\"");
            }
            try {
                CronExpressions.validate(candidate);
                return Optional.of(candidate);
            } catch (IllegalArgumentException e) {
                notes.add(name + ": cron_restart \"" + expr + "\" is not a valid cron expression and was left out: " + e.getMessage());
                return Optional.empty();
            }
        }

        /** PM2 times are milliseconds (a number or a numeric string), or strings like "10s". */
        Optional<String> duration(String name, String key, Object v) {
            String s = string(v).trim();
            try {
                if (v instanceof Number n) {
                    return Optional.of(Durations.format(Duration.ofMillis(n.longValue())));
                }
                if (s.matches("\\d+")) {
                    return Optional.of(Durations.format(Duration.ofMillis(Long.parseLong(s))));
                }
                return Optional.of(Durations.format(Durations.parse(s)));
            } catch (IllegalArgumentException e) {
                notes.add(name + ": " + key + " " + s + " is not understood and was left out");
                return Optional.empty();
            }
        }

        Optional<String> timestamp(String name, String moment) {
            Optional<String> pattern = MomentPattern.toJava(moment);
            try {
                pattern.ifPresent(BerthFileLoader::checkTimestampPattern);
            } catch (IllegalArgumentException e) {
                pattern = Optional.empty();
            }
            if (pattern.isEmpty()) {
                notes.add(name + ": log_date_format \"" + moment + "\" cannot be written by Berth's log relay"
                        + " (it writes " + TimestampPattern.SUPPORTED + "); using the default timestamp");
                return Optional.of(BerthFileLoader.DEFAULT_TIMESTAMP);
            }
            return pattern;
        }

        /** PM2's cwd (relative to the ecosystem file) as berth.yml's (relative to the berth.yml) when it is below it. */
        String cwd(String name, Object raw) {
            Path dir = raw == null ? sourceDir : sourceDir.resolve(string(raw)).normalize();
            if (!Files.isDirectory(dir)) {
                notes.add(name + ": cwd " + dir + " does not exist on this machine; create it or fix cwd before loading");
            }
            return Interpolation.escape(relative(dir));
        }

        String relative(Path p) {
            if (p.equals(outDir)) {
                return ".";
            }
            return p.startsWith(outDir) ? outDir.relativize(p).toString() : p.toString();
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String string(Object o) {
        if (o instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return String.valueOf(d.longValue()); // JSON 3000.0 -> "3000"
        }
        return String.valueOf(o);
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b ? b : Boolean.parseBoolean(string(o));
    }

    // ---- writing ------------------------------------------------------------------------------

    static String berthYml(Path source, Map<String, Map<String, Object>> apps, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# berth.yml converted by berth import-pm2 from ").append(source).append('\n');
        sb.append("# Reference of every key: docs/berth-yml.md\n");
        if (!notes.isEmpty()) {
            sb.append("#\n# Notes from the conversion (review, then delete them):\n");
            for (String note : notes) {
                sb.append("#   - ").append(note.replace('\n', ' ')).append('\n');
            }
        }
        sb.append("\napps:\n");
        boolean first = true;
        for (Map.Entry<String, Map<String, Object>> app : apps.entrySet()) {
            if (!first) {
                sb.append('\n');
            }
            first = false;
            sb.append("  ").append(app.getKey()).append(":\n");
            YamlText.block(sb, app.getValue(), 4);
        }
        return sb.toString();
    }

    static void writeAtomically(Path target, String content, Set<PosixFilePermission> permissions) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        PrivateFiles.writeAtomically(target, content.getBytes(StandardCharsets.UTF_8), permissions);
    }
}
