package dev.berth.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One program to run, as data: its argument list (never a shell line), working directory,
 * environment, stdin, where its output goes, its time limit, and how long it gets between TERM
 * and KILL once that limit is reached. Built by plain functions and compared in tests; run by
 * {@link CommandRunner}.
 *
 * @param directory the working directory; the daemon's when null
 */
public record Command(List<String> argv, Path directory, Environment environment, Input input, Output output,
                      Duration timeout, Duration grace) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);
    /** For what may rightly take hours (a dump, a restore): a limit that is never the one that ends it. */
    public static final Duration UNLIMITED = Duration.ofDays(3650);

    public Command {
        if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("a command needs at least a program");
        argv = List.copyOf(argv);
        environment = environment == null ? Environment.inherited() : environment;
        input = input == null ? Input.none() : input;
        output = output == null ? Output.captured() : output;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        grace = grace == null ? DEFAULT_GRACE : grace;
    }

    /** The program with the daemon's environment, no stdin, captured stdout, and the default limits. */
    public static Command of(List<String> argv) {
        return new Command(argv, null, null, null, null, null, null);
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    public String program() {
        return argv.get(0);
    }

    public Command withArgv(List<String> newArgv) {
        return new Command(newArgv, directory, environment, input, output, timeout, grace);
    }

    /** The same command behind a prefix, e.g. {@code podman exec app} or {@code ssh host --}. */
    public Command prefixedWith(List<String> prefix) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return withArgv(all);
    }

    public Command withDirectory(Path dir) {
        return new Command(argv, dir, environment, input, output, timeout, grace);
    }

    public Command withEnvironment(Environment env) {
        return new Command(argv, directory, env, input, output, timeout, grace);
    }

    public Command withInput(Input in) {
        return new Command(argv, directory, environment, in, output, timeout, grace);
    }

    public Command withOutput(Output out) {
        return new Command(argv, directory, environment, input, out, timeout, grace);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, directory, environment, input, output, limit, grace);
    }

    public Command withGrace(Duration betweenTermAndKill) {
        return new Command(argv, directory, environment, input, output, timeout, betweenTermAndKill);
    }
}
