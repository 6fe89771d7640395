package dev.berth.config;

import static dev.berth.config.Kind.*;

import dev.berth.config.AppSpec.Command;
import dev.berth.config.AppSpec.ExecCommand;
import dev.berth.config.AppSpec.HttpReady;
import dev.berth.config.AppSpec.LogLineReady;
import dev.berth.config.AppSpec.LogSpec;
import dev.berth.config.AppSpec.PortReady;
import dev.berth.config.AppSpec.Readiness;
import dev.berth.config.AppSpec.RestartPolicy;
import dev.berth.config.AppSpec.ShellCommand;
import dev.berth.text.Suggestions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** apps: each app's command, environment, restart policy, readiness and logs (its deploy: is {@link DeploySection}'s). */
final class AppsSection extends FieldReader {
    private static final String APP_LEVEL = "apps.*";

    /** The env_<profile> to apply, or null. */
    private final String profile;
    /** Every profile an app defines, for the message when --env names none of them. */
    final Set<String> definedProfiles = new TreeSet<>();

    /** The apps a site routes to (read from sites: before the apps). */
    private final Set<String> fronted;

    AppsSection(FieldReader file, String profile, Set<String> fronted) {
        super(file);
        this.profile = profile;
        this.fronted = fronted;
    }

    /** One app, or null when it has problems (they are recorded). */
    AppSpec app(NodeTuple tuple) {
        if (!(tuple.getKeyNode() instanceof ScalarNode nameNode)) return null; // entries() has reported it
        String name = nameNode.getValue();
        String path = "apps." + name;
        int before = problemCount();
        if (!BerthFileLoader.APP_NAME.matcher(name).matches() || name.length() > BerthFileLoader.APP_NAME_MAX) {
            problems.at(nameNode, path, "app names are lowercase letters, digits and . _ - (starting with a letter or digit),"
                    + " at most " + BerthFileLoader.APP_NAME_MAX + " characters, got \"" + name + "\"");
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

        ContainerSpec container = new ContainerSection(this).container(name, f, path, lookup);
        Command command = container != null ? containerCommand(f, container, path) : command(f, nameNode, path, lookup);
        DeploySpec deploy = new DeploySection(this).deploy(value(f, "deploy"), path + ".deploy", lookup);
        if (container != null && deploy != null) {
            problems.at(f.get("deploy").getKeyNode(), path + ".deploy", "deploys of container apps are not built yet: change image: and run `berth start`"
                    + " (it replaces the instances one at a time)");
        }
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
                } else {
                    // every profile is checked, whichever is applied; its ${VAR} need not be set here (production's
                    // variables on a staging machine), only well formed
                    envMap(value(f, key), path + "." + key, unused -> "");
                }
            }
        }

        int instances = scalar(f, "instances", path, INSTANCES, 1, lookup);
        int portProblems = problemCount();
        Integer port = scalar(f, "port", path, PORT, null, lookup);
        // a port already reported as wrong is one problem: what needs the port does not report it again
        boolean fronted = this.fronted.contains(name);
        if (fronted && port != null) {
            problems.at(value(f, "port"), path + ".port", "a site routes to this app, so Berth gives each instance a private port in $PORT"
                    + " (the public port is the front door's, proxy.http_port); remove port: and have the app listen on $PORT");
        }
        boolean portUnset = port == null && !fronted && problemCount() == portProblems;
        if (port != null && port + (long) instances - 1 > 65535) {
            // instance i listens on port + i
            problems.at(value(f, "port"), path + ".port", "with " + instances + " instances, instance " + (instances - 1) + " would listen on "
                    + (port + (long) instances - 1) + ": the port is at most " + Math.max(1, 65536 - instances));
        }
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
        if (ready instanceof AppSpec.HealthcheckReady && container == null) {
            problems.at(value(f, "ready"), path + ".ready.healthcheck", "applies only to a container app (image: or build:), whose image or container.healthcheck has the check");
        }
        // behind the front door, traffic is switched to an instance once it is ready: listening at least
        if (ready == null && fronted && value(f, "ready") == null) ready = new PortReady(Duration.ofSeconds(30));
        if (deploy != null && deploy.health() != null && portUnset) {
            problems.at(value(value(f, "deploy") instanceof MappingNode m ? YamlSource.entries(m, path, problems) : Map.of(), "health"),
                    path + ".deploy.health", "the health check needs the app's port: set " + path + ".port");
        }
        LogSpec logs = logs(value(f, "logs"), path + ".logs", lookup);
        List<String> after = args(value(f, "after"), path + ".after", lookup); // names: checked against the file's apps by checkAfter
        if (container != null && container.port() == null && (port != null || fronted)) {
            if (fronted) {
                problems.at(nameNode, path + ".container.port", "a site routes to this container app: set container.port, the port the app listens on inside the container");
            } else {
                container = withPort(container, port); // the same port inside as outside, as `-p 3000:3000`
                command = new AppSpec.ContainerCommand(container);
            }
        }

        if (problemCount() > before) {
            return null;
        }
        return new AppSpec(name, command, cwd, Collections.unmodifiableMap(env), appliedProfile, instances, port, restart,
                maxMemory, cron, stopSignal, killTimeout, ready, logs, deploy, fronted, container, List.copyOf(after));
    }

    /** image: or build: rule out run: and script: (and their args and interpreter). */
    private Command containerCommand(Map<String, NodeTuple> f, ContainerSpec container, String path) {
        for (String k : List.of("run", "script", "args", "interpreter")) {
            if (f.containsKey(k)) {
                problems.at(f.get(k).getKeyNode(), path + "." + k, "a container app runs its image: use container.command to replace the image's command, not " + k);
            }
        }
        return new AppSpec.ContainerCommand(container);
    }

    private static ContainerSpec withPort(ContainerSpec c, Integer port) {
        return new ContainerSpec(c.image(), c.build(), c.engine(), port, c.command(), c.volumes(), c.memory(), c.cpus(), c.user(), c.readOnly(),
                c.capDrop(), c.capAdd(), c.gpus(), c.init(), c.engineArgs(), c.healthcheck());
    }

    /** The shortest ${VAR} value masked where a command is shown: shorter ones (a port) say nothing secret. */
    static final int SHORTEST_HIDDEN = 3;

    Command command(Map<String, NodeTuple> f, Node nameNode, String path, Function<String, String> variables) {
        // every value a ${VAR} puts in the command, to be masked where it is shown
        Set<String> hidden = new HashSet<>();
        Function<String, String> lookup = n -> {
            String v = variables.apply(n);
            if (v != null && v.length() >= SHORTEST_HIDDEN) hidden.add(v);
            return v;
        };
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
            return line == null ? null : new ShellCommand(line.strip(), Set.copyOf(hidden));
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
        return new ExecCommand(List.copyOf(program), Set.copyOf(hidden));
    }

    Readiness ready(Node node, String path, boolean portUnset, Function<String, String> lookup) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "expected a mapping with one of port: true, http: /path, log: \"text\" or healthcheck: true, got "
                    + YamlSource.describe(node));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
        schema.checkKeys(f, APP_LEVEL + ".ready", path, problems);
        Duration timeout = scalar(f, "timeout", path, DURATION, Duration.ofSeconds(30), lookup);
        List<String> kinds = f.keySet().stream().filter(k -> List.of("port", "http", "log", "healthcheck").contains(k)).toList();
        if (kinds.size() != 1) {
            problems.at(node, path, "expected exactly one of port: true, http: /path, log: \"text\" or healthcheck: true"
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
        if (kind.equals("healthcheck")) {
            Boolean on = text(v, field, BOOL, lookup);
            if (Boolean.FALSE.equals(on)) problems.at(v, field, "true is the only value (to not wait for readiness, remove ready)");
            return new AppSpec.HealthcheckReady(timeout);
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

    /**
     * after: names apps of this file, not the app itself, and never goes round in a circle
     * (`berth start` would wait for ever).
     */
    void checkAfter(MappingNode appsNode, List<AppSpec> apps) {
        Map<String, AppSpec> byName = new LinkedHashMap<>();
        for (AppSpec a : apps) byName.put(a.name(), a);
        Map<String, NodeTuple> tuples = YamlSource.entries(appsNode, "apps", new Problems(problems.file()));
        for (AppSpec a : apps) {
            Node at = tuples.get(a.name()) != null && tuples.get(a.name()).getValueNode() instanceof MappingNode m
                    ? value(YamlSource.entries(m, "", new Problems(problems.file())), "after") : null;
            for (String dep : a.after()) {
                if (dep.equals(a.name())) {
                    problems.at(at, "apps." + a.name() + ".after", "an app cannot start after itself");
                } else if (!byName.containsKey(dep)) {
                    problems.at(at, "apps." + a.name() + ".after", "no app named \"" + dep + "\" in this file's apps"
                            + Suggestions.didYouMean(dep, List.copyOf(byName.keySet())));
                }
            }
        }
        // a circle: depth-first from each app along after:
        for (AppSpec a : apps) {
            List<String> path = new ArrayList<>();
            if (circle(a.name(), byName, path, new HashSet<>())) {
                Node at = tuples.get(a.name()) == null ? appsNode : tuples.get(a.name()).getKeyNode();
                problems.at(at, "apps." + a.name() + ".after", "the apps wait for each other in a circle: " + String.join(" -> ", path));
                return; // one circle is said once
            }
        }
    }

    private static boolean circle(String app, Map<String, AppSpec> byName, List<String> path, Set<String> done) {
        if (path.contains(app)) {
            path.add(app);
            return true;
        }
        if (!done.add(app) || !byName.containsKey(app)) return false;
        path.add(app);
        for (String dep : byName.get(app).after()) {
            if (!dep.equals(app) && circle(dep, byName, path, done)) return true;
        }
        path.remove(path.size() - 1);
        return false;
    }

    /** deploy.backup must name a backup of this file. */
    void checkDeployBackup(NodeTuple app, List<BackupSpec> backups) {
        // a key that is not a plain string, say a list, has been reported already
        if (!(app.getKeyNode() instanceof ScalarNode appName) || !(app.getValueNode() instanceof MappingNode appNode)) return;
        Node deploy = value(YamlSource.entries(appNode, "", new Problems(problems.file())), "deploy");
        if (!(deploy instanceof MappingNode d)) return;
        NodeTuple b = YamlSource.entries(d, "", new Problems(problems.file())).get("backup");
        if (b == null || !(b.getValueNode() instanceof ScalarNode name) || name.getValue().isBlank()) return;
        if (backups.stream().noneMatch(x -> x.name().equals(name.getValue().strip()))) {
            String field = "apps." + appName.getValue() + ".deploy.backup";
            problems.at(name, field, "no backup named \"" + name.getValue().strip() + "\" in this file's backups:"
                    + (backups.isEmpty() ? " (it has none)" : "; backups: " + String.join(", ", backups.stream().map(BackupSpec::name).toList()))
                    + Suggestions.didYouMean(name.getValue().strip(), backups.stream().map(BackupSpec::name).toList()));
        }
    }
}
