package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One app of a berth.yml, fully resolved: ${VAR} interpolated, env_file read, profile applied,
 * defaults filled in, every value checked. Everything the supervisor needs to run it.
 *
 * @param name        unique app name ([a-z0-9][a-z0-9_.-]*)
 * @param command     what to execute
 * @param cwd         absolute working directory
 * @param env         the app's own environment (env_file values, then env, then the chosen profile)
 * @param envProfile  the profile applied ("production"), or null
 * @param instances   number of processes (>= 1)
 * @param port        the app's public port, or null when it has none
 * @param restart     restart policy
 * @param maxMemory   restart when the RSS of the whole process tree exceeds this many bytes, or null
 * @param cronRestart a validated 5-field cron expression, or null
 * @param stopSignal  signal name sent first on stop (TERM, INT, QUIT, HUP, USR1, USR2)
 * @param killTimeout how long to wait after stopSignal before SIGKILL
 * @param ready       readiness signal, or null when the process counts as ready once it stays up
 * @param logs        log settings
 * @param deploy      how the app is deployed, or null when it is not
 * @param fronted     a site routes to it: its instances get private ports from Berth (in $PORT)
 *                    and traffic reaches them through the front door
 * @param container   how it runs as a container (`image:` or `build:`), or null for a process app;
 *                    then command is a {@link ContainerCommand}
 * @param after       apps of the same file that `berth start` brings up (ready) before this one
 */
public record AppSpec(
        String name,
        Command command,
        Path cwd,
        Map<String, String> env,
        String envProfile,
        int instances,
        Integer port,
        RestartPolicy restart,
        Long maxMemory,
        String cronRestart,
        String stopSignal,
        Duration killTimeout,
        Readiness ready,
        LogSpec logs,
        DeploySpec deploy,
        boolean fronted,
        ContainerSpec container,
        List<String> after) {

    /** A process app. */
    public AppSpec(String name, Command command, Path cwd, Map<String, String> env, String envProfile, int instances, Integer port,
                   RestartPolicy restart, Long maxMemory, String cronRestart, String stopSignal, Duration killTimeout, Readiness ready,
                   LogSpec logs, DeploySpec deploy, boolean fronted) {
        this(name, command, cwd, env, envProfile, instances, port, restart, maxMemory, cronRestart, stopSignal, killTimeout, ready,
                logs, deploy, fronted, null, List.of());
    }

    /** Whether its instances listen on a port: the app's own, or a private one behind the front door. */
    public boolean listens() {
        return port != null || fronted;
    }

    /**
     * The same app running the code of one release: a working directory under the deploy's
     * `current` link is pinned to `releases/<id>`, so instances started (or brought back) for a
     * release run that release, whatever `current` points at while a deploy is under way.
     */
    public AppSpec inRelease(String releaseId) {
        if (deploy == null || releaseId == null) return this;
        Path current = deploy.path().resolve("current");
        if (!cwd.startsWith(current)) return this;
        Path pinned = deploy.path().resolve("releases").resolve(releaseId).resolve(current.relativize(cwd));
        return new AppSpec(name, command, pinned, env, envProfile, instances, port, restart, maxMemory, cronRestart, stopSignal,
                killTimeout, ready, logs, deploy, fronted, container, after);
    }

    /** What to execute: a shell command line (`run`) or a program and its arguments (`script` + `args`). */
    public sealed interface Command permits ShellCommand, ExecCommand, ContainerCommand {
        /** The argv the supervisor executes. A shell is used only for the user's own `run:` line. */
        List<String> argv();

        /**
         * The command as `status` and the dashboard show it: each value a ${VAR} put in it as ***
         * (a password on a command line stays in the process's argv, not in an answer).
         */
        String shown();

        /** line with every one of the values in it as ***, the longest first. */
        static String masked(String line, Set<String> hidden) {
            String out = line;
            for (String v : hidden.stream().sorted((a, b) -> b.length() - a.length()).toList()) out = out.replace(v, "***");
            return out;
        }
    }

    /**
     * `run: node server.js --port 3000`. A line of plain words (nothing a shell would expand, quote,
     * redirect or treat as a builtin) is executed as those words, without a shell: one exec fewer
     * on the way from a crash to the restart. Any other simple command runs as `/bin/sh -c "exec
     * LINE"`, so the PID is still the app's; a line with several commands (`;`, `&&`, `|`, ...)
     * keeps its shell, which leads the process group like any other instance.
     */
    public record ShellCommand(String line, Set<String> hidden) implements Command {
        public ShellCommand(String line) {
            this(line, Set.of());
        }

        @Override public String shown() {
            return Command.masked(line, hidden);
        }

        private static final Pattern COMPOUND =
                Pattern.compile("[;&|\\n]|^\\s*(if|for|while|until|case)\\s|^\\s*[{(]");
        /** Characters no POSIX shell gives a meaning to inside a word. */
        private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:,+@%=-]+");
        /** Names a shell runs itself (or that are keywords), never as a program of that name. */
        private static final Set<String> SHELL_OWN = Set.of(
                "exec", "exit", "cd", "export", "source", ".", ":", "eval", "set", "unset", "ulimit", "umask", "trap",
                "wait", "read", "shift", "readonly", "return", "break", "continue", "times", "alias", "unalias",
                "type", "command", "hash", "getopts", "local", "declare", "typeset", "builtin", "then", "else",
                "elif", "fi", "do", "done", "esac", "in", "function", "select", "time", "coproc");

        @Override public List<String> argv() {
            if (COMPOUND.matcher(line).find()) return List.of("/bin/sh", "-c", line);
            List<String> words = List.of(line.strip().split("[ \\t]+"));
            boolean plain = !words.get(0).contains("=") && !SHELL_OWN.contains(words.get(0))
                    && words.stream().allMatch(w -> PLAIN_WORD.matcher(w).matches());
            if (plain) return words;
            return List.of("/bin/sh", "-c", words.get(0).equals("exec") ? line : "exec " + line);
        }
    }

    /** `script: server.js` + `args: [...]` (+ optional `interpreter`) — executed directly, no shell. */
    public record ExecCommand(List<String> program, Set<String> hidden) implements Command {
        public ExecCommand(List<String> program) {
            this(program, Set.of());
        }

        @Override public List<String> argv() { return program; }

        @Override public String shown() {
            return Command.masked(String.join(" ", program), hidden);
        }
    }

    /**
     * A container app's command: its image and the command that replaces the image's CMD, if any.
     * The supervisor runs the engine's `run` instead (dev.berth.container.RunArguments); this argv
     * is what the instances run, for telling launches apart and for showing.
     */
    public record ContainerCommand(ContainerSpec spec) implements Command {
        @Override public List<String> argv() {
            List<String> out = new java.util.ArrayList<>();
            out.add(spec.image());
            out.addAll(spec.command());
            return List.copyOf(out);
        }

        @Override public String shown() {
            return "image " + String.join(" ", argv());
        }
    }

    /**
     * @param autorestart  restart when the process exits (any exit code)
     * @param maxRestarts  unstable exits in a row (each before minUptime) before the app is errored
     * @param minUptime    a process that lived at least this long counts as stable
     * @param restartDelay delay before the first restart
     * @param backoff      double the delay after each unstable exit, up to maxDelay
     * @param maxDelay     ceiling of the backoff delay
     */
    public record RestartPolicy(boolean autorestart, int maxRestarts, Duration minUptime,
                                Duration restartDelay, boolean backoff, Duration maxDelay) {
        public static RestartPolicy defaults() {
            return new RestartPolicy(true, 10, Duration.ofSeconds(1), Duration.ofMillis(100), true, Duration.ofSeconds(15));
        }
    }

    /** How an instance tells it is ready; the reload waits for it before replacing the next instance. */
    public sealed interface Readiness permits PortReady, HttpReady, LogLineReady, HealthcheckReady {
        Duration timeout();
    }

    /** Ready when the instance's port accepts a TCP connection on 127.0.0.1. */
    public record PortReady(Duration timeout) implements Readiness { }

    /** Ready when GET http://127.0.0.1:{port}{path} answers 200. */
    public record HttpReady(String path, Duration timeout) implements Readiness { }

    /** Ready when a stdout line contains the given text. */
    public record LogLineReady(String contains, Duration timeout) implements Readiness { }

    /** A container app: ready when its health check (the image's HEALTHCHECK or container.healthcheck) passes. */
    public record HealthcheckReady(Duration timeout) implements Readiness { }

    /**
     * @param dir        directory of the log files
     * @param merge      stdout and stderr into one file
     * @param timestamp  a strftime-free java.time pattern prefixed to each line, or null for none
     * @param rotateSize rotate when a file exceeds this many bytes, or null
     * @param rotateAge  rotate when a file is older than this, or null
     * @param keep       rotated files kept per log
     * @param compress   gzip rotated files
     */
    public record LogSpec(Path dir, boolean merge, String timestamp, Long rotateSize, Duration rotateAge,
                          int keep, boolean compress) { }
}
