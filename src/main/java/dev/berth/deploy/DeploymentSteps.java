package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.files.PrivateFiles;
import dev.berth.store.Deployments;
import dev.berth.store.StoreException;
import dev.berth.supervisor.Supervisor;
import dev.berth.text.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The steps of running deployments: each is numbered in the order it ran, recorded (see
 * {@link Deployments}) and logged to a file of its own; the deployment's end is recorded here too.
 */
final class DeploymentSteps {
    private static final Logger LOG = Logger.getLogger(DeploymentSteps.class.getName());

    /** A step Berth does itself. */
    @FunctionalInterface
    interface JavaStep {
        void run(Consumer<String> log) throws Exception;
    }

    private final Deployments records;
    private final Path logRoot;
    /** Step numbers of running deployments, in the order the steps ran. */
    private final Map<Long, AtomicInteger> steps = new ConcurrentHashMap<>();

    /** @param logRoot where each deployment's step logs go (BERTH_HOME/deploys) */
    DeploymentSteps(Deployments records, Path logRoot) {
        this.records = records;
        this.logRoot = logRoot;
    }

    /** A step Berth does itself, logged like the others. */
    void runInJava(long id, String name, String what, JavaStep body) throws Exception {
        int seq = next(id);
        Path log = logFile(id, seq, name);
        records.stepStarted(id, seq, name, what, log.toString());
        StringBuilder text = new StringBuilder();
        Consumer<String> logger = line -> text.append(line).append('\n');
        try {
            body.run(logger);
            write(log, text);
            records.stepFinished(id, seq, "ok", null);
        } catch (StepFailure f) {
            write(log, text.append(f.getMessage()).append('\n'));
            records.stepFinished(id, seq, "failed", f.getMessage());
            throw f;
        } catch (DeployException | IOException e) {
            write(log, text.append(e.getMessage()).append('\n'));
            records.stepFinished(id, seq, "failed", e.getMessage());
            throw new StepFailure(name, name + " failed: " + e.getMessage() + "; log: " + log);
        }
    }

    /** One of the user's step or hook lines, run in the release's directory with the app's environment. */
    void runShell(long id, String name, String command, Duration timeout, Path dir, AppSpec spec, String releaseId)
            throws Exception {
        int seq = next(id);
        Path log = logFile(id, seq, name);
        records.stepStarted(id, seq, name, command, log.toString());
        Map<String, String> env = new LinkedHashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.putAll(spec.env());
        env.put("BERTH_APP", spec.name());
        env.put("BERTH_RELEASE", releaseId);
        env.put("BERTH_RELEASE_DIR", dir.toString());
        env.put("BERTH_DEPLOY_PATH", spec.deploy().path().toString());
        StepRunner.Result r = StepRunner.run(command, dir, env, log, timeout);
        if (r.ok()) {
            records.stepFinished(id, seq, "ok", null);
            return;
        }
        String why = r.timedOut() ? "timed out after " + Units.duration(timeout) : "exited with code " + r.exitCode();
        String tail = StepRunner.tail(log, 5);
        String message = name + " failed: `" + command + "` " + why + "; log: " + log + (tail.isBlank() ? "" : "\n" + tail);
        records.stepFinished(id, seq, "failed", why);
        throw new StepFailure(name, message);
    }

    /** A step that did not run, and why (a flag the user gave). */
    void skipped(long id, String name, String command, String why) {
        records.stepSkipped(id, next(id), name, command, why);
    }

    /** The deployment's end: its state, the step that failed (or null) and what to tell the user. */
    void finish(long id, String state, String step, String message) {
        steps.remove(id);
        try {
            records.finish(id, state, step, message);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record the end of deployment " + id, e);
        }
    }

    private int next(long id) {
        return steps.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    private Path logFile(long id, int seq, String name) {
        return logRoot.resolve(String.valueOf(id)).resolve(String.format("%02d-%s.log", seq, name.replace(' ', '-')));
    }

    private static void write(Path log, CharSequence text) throws IOException {
        PrivateFiles.directories(log.getParent());
        PrivateFiles.append(log, text);
    }
}
