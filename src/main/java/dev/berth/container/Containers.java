package dev.berth.container;

import dev.berth.config.AppSpec;
import dev.berth.config.ContainerSpec;
import dev.berth.exec.Command;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the supervisor asks of the container engines: the command line of an instance, and the
 * removal of a container whose client ended without it (a client killed with SIGKILL leaves its
 * container running; `--rm` only acts on the container's own exit).
 */
public final class Containers {
    private static final Logger LOG = Logger.getLogger(Containers.class.getName());
    /** The environment variable that carries an instance's container name into its client's environment. */
    public static final String NAME_VARIABLE = "BERTH_CONTAINER";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> env;
    /** The engines' settings from the daemon's environment, which an instance's client gets too. */
    private final Map<String, String> engineVariables;
    private final CommandRunner runner = CommandRunner.local();

    /**
     * @param env       the environment apps start from (PATH finds the engines)
     * @param daemonEnv the daemon's own: the engines' settings in it reach them (see {@link #engineVariables})
     */
    public Containers(Map<String, String> env, Map<String, String> daemonEnv) {
        this.engineVariables = engineVariables(daemonEnv);
        Map<String, String> all = new java.util.LinkedHashMap<>(env);
        all.putAll(engineVariables);
        this.env = Map.copyOf(all);
    }

    /**
     * What the engines read from their environment: Podman's configuration files and rootless
     * runtime directory, Docker's daemon address, context and client configuration. Apps start
     * from a login's environment only (the daemon's own never leaks into them); an engine's client
     * gets these too, or it would not find the engine the operator set up.
     */
    static Map<String, String> engineVariables(Map<String, String> daemonEnv) {
        Map<String, String> out = new java.util.TreeMap<>();
        daemonEnv.forEach((k, v) -> {
            if (k.startsWith("CONTAINERS_") || k.equals("XDG_RUNTIME_DIR") || k.equals("DOCKER_HOST") || k.equals("DOCKER_CONTEXT")
                    || k.equals("DOCKER_CONFIG") || k.equals("DOCKER_CERT_PATH") || k.equals("DOCKER_TLS_VERIFY")) {
                out.put(k, v);
            }
        });
        return Map.copyOf(out);
    }

    /** The engines' settings an instance's client gets on top of the app's environment. */
    public Map<String, String> engineEnvironment() {
        return engineVariables;
    }

    /** One instance's engine command line and the name of its container. */
    public record Launch(Engine engine, String name, List<String> argv) { }

    /**
     * @param instance the instance's index, or "preflight"
     * @param hostPort its port on the host, or null
     * @throws IOException when no engine is there (the start fails, saying so)
     */
    public Launch launch(AppSpec spec, String instance, Integer hostPort) throws IOException {
        ContainerSpec c = spec.container();
        Engine engine = Engine.find(c.engine(), env.get("PATH")).orElseThrow(() -> new IOException(Engine.missing(c.engine())));
        String name = "berth-" + spec.name() + "-" + instance + "-" + HexFormat.of().formatHex(randomBytes());
        List<String> run = RunArguments.of(engine.kind(), c, spec.name(), instance, name, env.getOrDefault("BERTH_HOME", ""),
                spec.fronted() ? "127.0.0.1" : "0.0.0.0", hostPort, spec.env().keySet());
        List<String> argv = new ArrayList<>();
        argv.add(engine.binary().toString());
        argv.addAll(run);
        return new Launch(engine, name, List.copyOf(argv));
    }

    /** How long an image build may take. */
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(30);

    /**
     * Builds a `build:` app's image when it does not exist yet, its output appended to
     * logs/APP-build.log. Returns null when the image is there (or the app builds none), or why
     * it is not, naming the log.
     */
    public String ensureBuilt(AppSpec spec) {
        ContainerSpec c = spec.container();
        if (c == null || c.build() == null) return null;
        Engine engine = engineFor(c);
        if (engine == null) return Engine.missing(c.engine());
        try {
            List<String> exists = engine.kind() == Engine.Kind.PODMAN ? List.of("image", "exists", c.image()) : List.of("image", "inspect", "--format={{.Id}}", c.image());
            if (engineCommand(engine, exists, Duration.ofSeconds(30)).ok()) return null;
            java.nio.file.Path log = spec.logs().dir().resolve(spec.name() + "-build.log");
            java.nio.file.Files.createDirectories(log.getParent());
            ContainerSpec.Build b = c.build();
            List<String> argv = new ArrayList<>(List.of(engine.binary().toString(), "build", "--tag=" + c.image()));
            if (b.dockerfile() != null) argv.add("--file=" + b.context().resolve(b.dockerfile()));
            if (b.target() != null) argv.add("--target=" + b.target());
            for (String arg : new java.util.TreeSet<>(b.args().keySet())) argv.add("--build-arg=" + arg); // its value in the environment
            argv.add(b.context().toString());
            Map<String, String> buildEnv = new java.util.LinkedHashMap<>(env);
            buildEnv.putAll(b.args());
            var r = runner.run(Command.of(argv).withDirectory(b.context()).withEnvironment(Environment.only(buildEnv))
                    .withOutput(dev.berth.exec.Output.appendedTo(log)).withTimeout(BUILD_LIMIT));
            if (r.ok()) return null;
            return (r.timedOut() ? "the image build took longer than " + BUILD_LIMIT.toMinutes() + " min" : "the image build failed (exit " + r.exitCode() + ")")
                    + "; see " + log;
        } catch (IOException e) {
            return "cannot build the image: " + e.getMessage();
        }
    }

    private dev.berth.exec.CommandResult engineCommand(Engine engine, List<String> args, Duration limit) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(engine.binary().toString());
        argv.addAll(args);
        return runner.run(Command.of(argv).withEnvironment(Environment.only(env)).withTimeout(limit));
    }

    /**
     * The host pid of the container's first process, asked of the engine until it runs (while
     * stillWanted), or null when it did not within the limit or is not wanted any more.
     */
    public Long firstProcess(Engine engine, String name, Duration limit, java.util.function.BooleanSupplier stillWanted) {
        if (engine == null) return null;
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until && stillWanted.getAsBoolean()) {
            try {
                var r = engineCommand(engine, List.of("inspect", "--format={{.State.Pid}}", name), Duration.ofSeconds(10));
                long pid = r.ok() ? Long.parseLong(r.output().strip()) : 0;
                if (pid > 0) return pid;
                Thread.sleep(250);
            } catch (IOException | NumberFormatException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The names of an app's containers of this BERTH_HOME, in any state; empty when the engine cannot say. */
    public List<String> containersOf(Engine engine, String app) {
        if (engine == null) return List.of();
        try {
            var r = engineCommand(engine, List.of("ps", "--all", "--format={{.Names}}", "--filter=label=" + RunArguments.HOME_LABEL + "=" + env.getOrDefault("BERTH_HOME", ""),
                    "--filter=label=" + RunArguments.APP_LABEL + "=" + app), Duration.ofSeconds(30));
            if (!r.ok()) return List.of();
            List<String> out = new ArrayList<>();
            for (String n : r.output().strip().split("\\s+")) if (!n.isBlank()) out.add(n);
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Runs the container's health check once: Podman runs it on demand (its own timer needs
     * systemd), Docker runs it on its interval and reports the latest status.
     */
    public boolean healthy(Engine engine, String name) {
        if (engine == null || name == null) return false;
        try {
            if (engine.kind() == Engine.Kind.PODMAN) return engineCommand(engine, List.of("healthcheck", "run", name), Duration.ofSeconds(60)).ok();
            var r = engineCommand(engine, List.of("inspect", "--format={{if .State.Health}}{{.State.Health.Status}}{{end}}", name), Duration.ofSeconds(10));
            return r.ok() && r.output().strip().equals("healthy");
        } catch (IOException e) {
            return false;
        }
    }

    /** The engine of a container app, or null when there is none. */
    public Engine engineFor(ContainerSpec c) {
        return Engine.find(c.engine(), env.get("PATH")).orElse(null);
    }

    /** Removes the container at once (killed if it still runs); a container already gone is not an error. */
    public void remove(Engine engine, String name) {
        if (engine == null || name == null) return;
        List<String> argv = engine.kind() == Engine.Kind.PODMAN
                ? List.of(engine.binary().toString(), "rm", "--force", "--ignore", "--time=0", name)
                : List.of(engine.binary().toString(), "rm", "--force", name);
        try {
            var r = runner.run(Command.of(argv).withEnvironment(Environment.only(env)).withTimeout(Duration.ofSeconds(30)));
            if (!r.ok() && !r.errors().contains("No such container") && !r.errors().contains("no such container")) {
                LOG.warning("could not remove container " + name + ": " + r.errors().strip());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove container " + name, e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return b;
    }
}
