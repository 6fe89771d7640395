package dev.berth.config;

import static java.util.Map.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Compose service as one berth.yml app (see {@link ComposeImport} for the whole file). The state of
 * a conversion lives here: the notes, the secrets moved so far, the app names taken, the backups
 * suggested. Keys without an equivalent are left out with a note naming their file and line.
 */
final class ComposeServiceMapping {
    /** What a service became: an app (spec null when it is not one), and whether it has a ready: check. */
    record Mapped(String app, Map<String, Object> spec, boolean ready) { }

    /** Service keys with no Berth equivalent, and what to do instead. */
    private static final Map<String, String> UNMAPPED = Map.ofEntries(
            entry("networks", "Berth's containers use the engine's default network"),
            entry("network_mode", "Berth's containers use the engine's default network"),
            entry("links", "Berth's containers use the engine's default network, where service names do not resolve"),
            entry("external_links", "Berth's containers use the engine's default network, where service names do not resolve"),
            entry("container_name", "Berth names each container berth-<app>-<instance>-<random>"),
            entry("logging", "Berth keeps the container's output in its own log files: logs.rotate rotates them"),
            entry("labels", "Berth labels its containers berth.app, berth.instance and berth.home; more with container.engine_args: [--label=K=V]"),
            entry("extra_hosts", "add container.engine_args: [--add-host=NAME:IP] for each"),
            entry("profiles", "Berth runs every app of the file: remove the app if it should not run"),
            entry("secrets", "put the values in an env file (env_file:), or mount the files with container.volumes"),
            entry("configs", "mount the files with container.volumes"),
            entry("expose", "Berth's containers share no network; publish a port with ports: to reach it"),
            entry("hostname", "add container.engine_args: [--hostname=NAME]"),
            entry("dns", "add container.engine_args: [--dns=IP]"),
            entry("ulimits", "add container.engine_args: [--ulimit=nofile=65536:65536] and the like"),
            entry("sysctls", "add container.engine_args: [--sysctl=NAME=VALUE]"),
            entry("privileged", "add container.engine_args: [--privileged] if it really needs it"),
            entry("security_opt", "add container.engine_args: [--security-opt=...]"),
            entry("pull_policy", "Berth pulls the image when it is not there yet"),
            entry("extends", "copy the extended service's keys into this one and import again"),
            entry("memswap_limit", "Berth sets the swap limit to container.memory: no swap beyond it"),
            entry("mem_reservation", "Berth sets limits, not reservations"));

    private static final Set<String> SIGNALS = Set.of("TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "KILL");

    private final Path projectDir;
    /** The services of the file, whose names other services' environment may use as host names. */
    private final Set<String> services;
    private final Path outDir;
    private final Path envFile;
    final List<String> notes = new ArrayList<>();
    /** env file name -> value */
    final Map<String, String> secrets = new LinkedHashMap<>();
    int secretCount;
    final ComposeBackups backups = new ComposeBackups();
    private final Set<String> names = new HashSet<>();
    private final ComposeVolumes volumes;
    private boolean qualifiedNoted;
    /** The variables the service being mapped refers to without a default. */
    private Set<String> required = new LinkedHashSet<>();

    ComposeServiceMapping(Path projectDir, Path outDir, Path envFile, Map<String, String> volumeNames, Set<String> services) {
        this.services = services;
        this.projectDir = projectDir;
        this.outDir = outDir;
        this.envFile = envFile;
        this.volumes = new ComposeVolumes(this, projectDir, volumeNames);
    }

    Mapped service(String service, ComposeValue svc) {
        int first = notes.size();
        try {
            return map(service, svc);
        } finally {
            inFileOrder(notes.subList(first, notes.size()));
        }
    }

    /** A service's notes by file and line (each key is read when it is needed, not in the file's order). */
    private static void inFileOrder(List<String> notes) {
        List<String> files = new ArrayList<>();
        for (String n : notes) {
            String file = n.substring(0, n.indexOf(':'));
            if (!files.contains(file)) files.add(file);
        }
        notes.sort(Comparator.<String>comparingInt(n -> files.indexOf(n.substring(0, n.indexOf(':'))))
                .thenComparingInt(n -> Integer.parseInt(n.substring(n.indexOf(':') + 1, n.indexOf(':', n.indexOf(':') + 1)))));
    }

    private Mapped map(String service, ComposeValue svc) {
        String field = "services." + service;
        if (!svc.isMap()) {
            notes.add(svc.note(field, "expected a mapping of settings, got " + svc.shown() + "; left out"));
            return new Mapped(null, null, false);
        }
        Map<String, ComposeValue> f = svc.map();
        required = new LinkedHashSet<>();
        String image = text(f.get("image"), field + ".image");
        String imageName = image == null ? "" : imageName(image);
        if (imageName.equals("nginx") || imageName.equals("openresty")) {
            notes.add(ComposeFrontDoor.nginxNote(svc, field));
            return new Mapped(null, null, false);
        }
        if (imageName.equals("certbot")) {
            notes.add(svc.note(field, "not an app: a site with tls: acme gets and renews its certificates (proxy.acme.email; docs/berth-yml.md, \"proxy and sites\")"));
            return new Mapped(null, null, false);
        }
        if (image == null && f.get("build") == null) {
            notes.add(svc.note(field, "has neither image nor build; left out"));
            return new Mapped(null, null, false);
        }
        String app = appName(service, svc);
        if (f.get("build") != null && image != null) {
            notes.add(f.get("image").note(field + ".image", "with build:, the image Berth builds is tagged " + image));
        } else if (image != null) {
            image = qualified(image, f.get("image"), field + ".image");
        }
        ComposeResources resources = new ComposeResources(service, notes);

        // ports and environment first: the healthcheck, the GPUs and the backup read them
        String[] ports = f.get("ports") == null ? new String[2] : ComposePorts.ports(f.get("ports"), field + ".ports", notes);
        String hostPort = ports[0];
        String containerPort = ports[1];
        ComposeValue environment = f.get("environment");
        if (environment != null && environment.isText()) {
            notes.add(environment.note(field + ".environment", "expected a mapping or a list of NAME=value, got " + environment.shown() + "; not mapped"));
        }
        Map<String, ComposeValue> rawEnv = environment == null ? Map.of() : ComposeValue.byName(environment).map();
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Object> envOut = new LinkedHashMap<>();
        boolean secretsHere = f.get("environment") != null && env(app, rawEnv, field + ".environment", env, envOut);

        hostNames(service, f.get("environment"), env, field + ".environment");

        Object build = null;
        List<String> command = null;
        List<String> entrypoint = null;
        List<String> volumes = new ArrayList<>();
        List<String> envFiles = new ArrayList<>();
        List<String> engineArgs = new ArrayList<>();
        Map<String, Object> ready = null;
        Map<String, Object> container = new LinkedHashMap<>();
        Boolean autorestart = null;
        String stopSignal = null;
        String killTimeout = null;
        for (Map.Entry<String, ComposeValue> e : f.entrySet()) {
            String key = e.getKey();
            ComposeValue v = e.getValue();
            String k = field + "." + key;
            if (v.data() == null && !key.equals("environment")) continue; // "key:" with nothing: not set, as in Compose
            switch (key) {
                case "image", "ports", "environment" -> { } // read above
                case "depends_on" -> { } // ComposeImport orders the apps by it
                case "build" -> build = build(v, k);
                case "command" -> command = command(v, k);
                case "entrypoint" -> entrypoint = command(v, k);
                case "env_file" -> envFiles.addAll(envFiles(v, k));
                case "volumes" -> volumes.addAll(this.volumes.volumes(v, k, engineArgs));
                case "tmpfs" -> {
                    for (ComposeValue t : v.isList() ? v.list() : List.of(v)) {
                        if (t.text() != null) engineArgs.add("--tmpfs=" + text(t, k));
                    }
                }
                case "healthcheck" -> ready = new ComposeHealthcheck(notes).ready(v, k, containerPort, hostPort != null);
                case "deploy" -> resources.deploy(v);
                case "scale" -> resources.scale(v);
                case "mem_limit" -> resources.memLimit(v);
                case "cpus" -> resources.cpusKey(v);
                case "runtime" -> resources.runtime(v);
                case "gpus" -> resources.gpusKey(v);
                case "device_requests" -> resources.reservedDevices(v, k);
                case "devices" -> {
                    if (v.isList()) resources.devices(v);
                    else notes.add(v.note(k, "expected a list, got " + v.shown() + "; not mapped"));
                }
                case "user" -> container.put("user", text(v, k));
                case "read_only", "init" -> bool(v, k).ifPresent(b -> container.put(key, b));
                case "cap_drop", "cap_add" -> container.put(key, strings(v, k));
                case "shm_size" -> engineArgs.add("--shm-size=" + text(v, k));
                case "working_dir" -> engineArgs.add("--workdir=" + text(v, k));
                case "restart" -> autorestart = restart(v, k);
                case "stop_grace_period" -> killTimeout = killTimeout(v, k);
                case "stop_signal" -> stopSignal = stopSignal(v, k);
                default -> {
                    String why = UNMAPPED.get(key);
                    notes.add(v.note(k, why != null ? "not mapped (" + why + ")" : key.startsWith("x-") ? "an extension field: not mapped" : "not mapped"));
                }
            }
        }
        resources.finish(rawEnv);
        engineArgs.addAll(resources.engineArgs);
        if (entrypoint != null) {
            command = entrypoint(f.get("entrypoint"), field + ".entrypoint", entrypoint, command, engineArgs);
        }
        if (resources.autorestart != null && autorestart == null) autorestart = resources.autorestart;

        String kind = ComposeBackups.kind(imageName);
        if (kind != null) backups.suggest(svc, field, app, kind, env, hostPort, command == null ? List.of() : command, notes);

        if (secretsHere) envFiles.add(relative(envFile));
        required.removeAll(secrets.keySet());
        required.removeAll(envFileKeys(envFiles));
        if (!required.isEmpty()) {
            notes.add(svc.note(field, "${" + String.join("}, ${", required) + "} " + (required.size() == 1 ? "has" : "have")
                    + " no default: Berth reads " + (required.size() == 1 ? "it" : "them") + " from its own environment or from an env_file of the app when it loads the berth.yml"
                    + " (Compose also read the .env file next to the compose file, which Berth does not)"));
        }

        Map<String, Object> spec = new LinkedHashMap<>();
        if (image != null) spec.put("image", image);
        if (build != null) spec.put("build", build);
        if (hostPort != null) spec.put("port", hostPort);
        if (resources.instances != null) spec.put("instances", resources.instances);
        if (!envFiles.isEmpty()) spec.put("env_file", envFiles.size() == 1 ? envFiles.get(0) : envFiles);
        if (!envOut.isEmpty()) spec.put("env", envOut);
        if (ready != null) spec.put("ready", ready);
        if (autorestart != null) spec.put("autorestart", autorestart);
        if (stopSignal != null) spec.put("stop_signal", stopSignal);
        if (killTimeout != null) spec.put("kill_timeout", killTimeout);

        Map<String, Object> c = new LinkedHashMap<>();
        if (containerPort != null) c.put("port", containerPort);
        if (command != null && !command.isEmpty()) c.put("command", command);
        if (!volumes.isEmpty()) c.put("volumes", volumes);
        if (resources.memory != null) c.put("memory", resources.memory);
        if (resources.cpus != null) c.put("cpus", resources.cpus);
        c.putAll(container);
        c.values().removeIf(o -> o == null || o instanceof List<?> l && l.isEmpty());
        if (resources.gpus != null) c.put("gpus", resources.gpus);
        if (!engineArgs.isEmpty()) c.put("engine_args", engineArgs);
        if (!c.isEmpty()) spec.put("container", c);
        return new Mapped(app, spec, ready != null);
    }

    // ---- names and images -----------------------------------------------------------------------

    private String appName(String service, ComposeValue svc) {
        String name = service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.length() > BerthFileLoader.APP_NAME_MAX) name = name.substring(0, BerthFileLoader.APP_NAME_MAX);
        if (name.isEmpty()) name = "app";
        String unique = name;
        for (int i = 2; !names.add(unique); i++) unique = name + "-" + i;
        if (!unique.equals(service)) {
            notes.add(svc.note("services." + service, "became the app " + unique + " (app names are unique, lowercase letters, digits and . _ -)"));
        }
        return unique;
    }

    /** The image's own name: its last path segment, without tag or digest ("docker.io/library/mysql:8.0" is mysql). */
    static String imageName(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        int cut = last.indexOf('@');
        if (cut >= 0) last = last.substring(0, cut);
        cut = last.indexOf(':');
        return (cut >= 0 ? last.substring(0, cut) : last).toLowerCase(Locale.ROOT);
    }

    /**
     * An image without a registry is Docker Hub's, where Compose pulls it from; Podman asks which registry
     * is meant (and fails without a terminal), so it is written out in full.
     */
    private String qualified(String image, ComposeValue v, String field) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        if (image.contains("${") || first.contains(".") || first.contains(":") || first.equals("localhost")) return image;
        if (!qualifiedNoted) {
            qualifiedNoted = true;
            notes.add(v.note(field, "images without a registry are written as docker.io/... (Docker Hub, where Compose pulls them from),"
                    + " so that Podman finds them too"));
        }
        return "docker.io/" + (slash < 0 ? "library/" : "") + image;
    }

    // ---- build and command ----------------------------------------------------------------------

    private Object build(ComposeValue v, String field) {
        Map<String, ComposeValue> b = v.isMap() ? v.map() : Map.of("context", v);
        Map<String, Object> out = new LinkedHashMap<>();
        ComposeValue contextValue = b.getOrDefault("context", new ComposeValue(".", v.file(), v.line(), null));
        String context = text(contextValue, field + ".context");
        if (context == null || context.contains("://") || context.startsWith("git@")) {
            notes.add(v.note(field, "the build context " + contextValue.shown() + " is not a directory here; not mapped: clone it and set build: to its directory"));
            return null;
        }
        Path dir = context.contains("${") ? null : projectDir.resolve(context).normalize();
        if (dir != null && !Files.isDirectory(dir)) {
            notes.add(contextValue.note(field, "the build context " + dir + " does not exist here; create it before loading the berth.yml"));
        }
        out.put("context", dir == null ? context : relative(dir));
        for (Map.Entry<String, ComposeValue> e : b.entrySet()) {
            String k = field + "." + e.getKey();
            switch (e.getKey()) {
                case "context" -> { }
                case "dockerfile", "target" -> out.put(e.getKey(), text(e.getValue(), k));
                case "args" -> {
                    Map<String, Object> args = new LinkedHashMap<>();
                    ComposeValue.byName(e.getValue()).map().forEach((name, value) ->
                            args.put(name, value.data() == null ? "${" + name + ":-}" : text(value, k + "." + name)));
                    out.put("args", args);
                }
                default -> notes.add(e.getValue().note(k, "not mapped (Berth builds with context, dockerfile, target and args)"));
            }
        }
        out.values().removeIf(o -> o == null);
        return out.size() == 1 ? out.get("context") : out;
    }

    /** A command or entrypoint: a list, or a string split as Compose splits it. */
    private List<String> command(ComposeValue v, String field) {
        if (v.isText()) {
            List<String> words = ComposeValue.words(v.text());
            if (words == null) {
                notes.add(v.note(field, "a quote in " + v.shown() + " is never closed; not mapped"));
                return null;
            }
            return words.stream().map(w -> translated(w, v, field)).toList();
        }
        List<String> out = new ArrayList<>();
        for (ComposeValue item : v.list()) {
            if (!item.isText()) {
                notes.add(item.note(field, "expected a list of strings, got " + item.shown() + " in it; not mapped"));
                return null;
            }
            out.add(text(item, field));
        }
        return out;
    }

    /**
     * Berth has no entrypoint key, but the engines' --entrypoint takes the program and drops the image's CMD,
     * as Compose does: the program goes there and its arguments before the command's.
     */
    private List<String> entrypoint(ComposeValue v, String field, List<String> entrypoint, List<String> command, List<String> engineArgs) {
        if (entrypoint.isEmpty() || entrypoint.get(0).isEmpty()) {
            notes.add(v.note(field, "an empty entrypoint (no ENTRYPOINT) is not mapped; add container.engine_args: [--entrypoint=] if the image needs it cleared"));
            return command;
        }
        engineArgs.add("--entrypoint=" + entrypoint.get(0));
        List<String> all = new ArrayList<>(entrypoint.subList(1, entrypoint.size()));
        if (command != null) all.addAll(command);
        notes.add(v.note(field, "became container.engine_args --entrypoint=" + entrypoint.get(0)
                + (entrypoint.size() > 1 ? ", its arguments the start of container.command" : "")));
        return all;
    }

    // ---- environment ------------------------------------------------------------------------------

    /** environment as env:, secrets moved to the env file as ${KEY}. True when one moved. */
    private boolean env(String app, Map<String, ComposeValue> raw, String field, Map<String, String> env, Map<String, Object> out) {
        boolean moved = false;
        for (Map.Entry<String, ComposeValue> e : raw.entrySet()) {
            String var = e.getKey();
            ComposeValue v = e.getValue();
            String f = field + "." + var;
            if (!BerthFileLoader.ENV_NAME.matcher(var).matches()) {
                notes.add(v.note(f, "not a name Berth passes (letters, digits and _, not starting with a digit); left out"));
                continue;
            }
            if (v.isMap() || v.isList()) {
                notes.add(v.note(f, "expected a value, got " + v.shown() + "; left out"));
                continue;
            }
            if (v.data() == null) {
                // Compose passes the variable of its own environment through, and nothing when it is unset
                out.put(var, "${" + var + ":-}");
                env.put(var, "${" + var + ":-}");
                notes.add(v.note(f, "has no value: Compose passed the one of its own environment; Berth's is ${" + var + ":-} (empty when unset)"));
                continue;
            }
            String value = text(v, f);
            env.put(var, value);
            String literal = ComposeInterpolation.literal(value);
            if (!ComposeInterpolation.hasReference(value) && SecretDetector.inspect(var, literal).isPresent()) {
                String key = secretName(app, var, literal);
                secrets.put(key, literal);
                secretCount++;
                moved = true;
                out.put(var, "${" + key + "}");
            } else {
                out.put(var, value);
            }
        }
        return moved;
    }

    /**
     * Compose's services reach each other by name on their network; Berth's containers share none, so
     * a name as a host (DB_HOST: mysql, redis://redis:6379) does not resolve: said, not rewritten, since
     * the way to the host differs between the engines.
     */
    private void hostNames(String service, ComposeValue at, Map<String, String> env, String field) {
        Set<String> vars = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            for (String other : services) {
                if (other.equals(service)) continue;
                String q = Pattern.quote(other);
                if (e.getValue().matches(q + "|.*(//|@)" + q + "([:/].*|$)")) {
                    vars.add(e.getKey());
                    named.add(other);
                }
            }
        }
        if (vars.isEmpty()) return;
        notes.add(at.note(field, String.join(", ", vars) + " name" + (vars.size() == 1 ? "s" : "") + " the service" + (named.size() == 1 ? " " : "s ")
                + String.join(", ", named) + ", which does not resolve from Berth's containers (they share no network): point "
                + (vars.size() == 1 ? "it" : "them") + " at the host, where the apps publish their ports (host.containers.internal with Podman;"
                + " with Docker, host.docker.internal and container.engine_args: [--add-host=host.docker.internal:host-gateway])"));
    }

    /** The variable's own name in the env file, unless another app already uses it for another value. */
    private String secretName(String app, String var, String value) {
        String base = (app + "_" + var).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        String candidate = var;
        for (int i = 1; secrets.containsKey(candidate) && !secrets.get(candidate).equals(value); i++) {
            candidate = i == 1 ? base : base + "_" + i;
        }
        return candidate;
    }

    private List<String> envFiles(ComposeValue v, String field) {
        List<String> out = new ArrayList<>();
        for (ComposeValue item : v.isList() ? v.list() : List.of(v)) {
            ComposeValue pathValue = item.isMap() ? item.get("path") : item;
            String p = pathValue == null ? null : text(pathValue, field);
            if (p == null) {
                notes.add(item.note(field, "expected a path, got " + item.shown() + "; not mapped"));
                continue;
            }
            boolean optional = item.isMap() && item.get("required") != null && "false".equals(item.get("required").text());
            Path file = p.contains("${") ? null : projectDir.resolve(p).normalize();
            if (file != null && !Files.isRegularFile(file)) {
                if (optional) {
                    notes.add(item.note(field, file + " (required: false) does not exist here; left out: Berth refuses a missing env_file"));
                    continue;
                }
                notes.add(item.note(field, file + " does not exist here; create it before loading the berth.yml"));
            }
            out.add(file == null ? p : relative(file));
        }
        return out;
    }

    /** The names the app's env files define (they resolve its ${VAR}); a file that cannot be read defines none. */
    private Set<String> envFileKeys(List<String> envFiles) {
        Set<String> keys = new HashSet<>();
        for (String p : envFiles) {
            Path file = outDir.resolve(p).normalize();
            if (!Files.isRegularFile(file) || file.equals(envFile)) continue;
            try {
                keys.addAll(Dotenv.parse(file).keySet());
            } catch (IOException | ConfigException e) {
                // Berth reports it when it loads the berth.yml
            }
        }
        return keys;
    }

    // ---- restarts and stopping --------------------------------------------------------------------------

    private Boolean restart(ComposeValue v, String field) {
        String r = v.text() == null ? "" : v.text().strip();
        if (r.equals("no") || r.equals("false")) return false;
        notes.add(v.note(field, r + " is dropped: Berth supervises the app and restarts it whenever it exits"
                + (r.startsWith("on-failure") ? ", not only on failure (max_restarts limits the unstable exits in a row)" : "")
                + " (the engine's own restart policy is off)"));
        return null;
    }

    private String killTimeout(ComposeValue v, String field) {
        try {
            return Durations.format(ComposeValue.duration(v.text()));
        } catch (IllegalArgumentException e) {
            notes.add(v.note(field, e.getMessage() + "; not mapped"));
            return null;
        }
    }

    private String stopSignal(ComposeValue v, String field) {
        String s = v.text() == null ? "" : v.text().strip().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) s = s.substring(3);
        if (SIGNALS.contains(s)) return s;
        notes.add(v.note(field, v.shown() + " is not one of Berth's stop signals (" + String.join(", ", SIGNALS.stream().sorted().toList()) + "); not mapped"));
        return null;
    }

    // ---- values -----------------------------------------------------------------------------------------

    /** The value's text in Berth's ${VAR} syntax, with a note for what had to change. */
    String text(ComposeValue v, String field) {
        if (v == null || v.text() == null) return null;
        return translated(v.text(), v, field);
    }

    private String translated(String s, ComposeValue at, String field) {
        ComposeInterpolation.Result r = ComposeInterpolation.translate(s);
        for (String p : r.problems()) notes.add(at.note(field, p));
        required.addAll(ComposeInterpolation.required(r.text()));
        return r.text();
    }

    private List<String> strings(ComposeValue v, String field) {
        List<String> out = new ArrayList<>();
        for (ComposeValue item : v.isList() ? v.list() : List.of(v)) {
            if (item.text() != null) out.add(text(item, field));
        }
        return out;
    }

    private Optional<Boolean> bool(ComposeValue v, String field) {
        String s = v.text() == null ? "" : v.text().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) return Optional.of(s.equals("true"));
        notes.add(v.note(field, "expected true or false, got " + v.shown() + "; not mapped"));
        return Optional.empty();
    }

    /** A path as the berth.yml writes it: relative to its directory when below it, else absolute. */
    String relative(Path p) {
        if (p.equals(outDir)) return ".";
        return p.startsWith(outDir) ? outDir.relativize(p).toString() : p.toString();
    }
}
