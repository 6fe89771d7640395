package dev.berth.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Follows a deployment the daemon runs, by polling it: each step as it starts (with its elapsed
 * time on a terminal) and its duration when done; with --json one event per line instead, for CI.
 * Returns the deployment's final state.
 */
final class DeployProgress {
    private DeployProgress() { }

    static String follow(long id, String app, boolean json) {
        boolean tty = System.console() != null && !json;
        Map<Integer, String> seen = new HashMap<>();
        boolean announced = false;
        String liveLine = null;
        long lastTick = 0;
        while (true) {
            Reply d = Reply.of(CommandEnvironment.client().get("/api/v1/deployments/" + id));
            if (!announced) {
                announced = true;
                if (json) event("deployment_started", d, null);
                else Output.err(app + ": " + d.string("kind") + " #" + id + " by " + d.string("who"));
            }
            for (Reply s : d.list("steps")) {
                int seq = s.number("seq").intValue();
                String state = String.valueOf(s.string("state"));
                String before = seen.get(seq);
                if (state.equals(before)) continue;
                seen.put(seq, state);
                if (json) {
                    if (before == null && !state.equals("skipped")) event("step_started", d, s);
                    if (!state.equals("running")) event("step_finished", d, s);
                    continue;
                }
                if (liveLine != null && tty) Output.stderr().print("\r\033[K");
                liveLine = null;
                if (state.equals("running")) {
                    liveLine = "  " + DeployCommand.pad(String.valueOf(s.string("name")), 14) + describe(s);
                    if (!tty) Output.err(liveLine);
                } else {
                    Output.err("  " + DeployCommand.pad(String.valueOf(s.string("name")), 14) + mark(state) + " "
                            + (state.equals("skipped") ? "skipped (" + s.string("message") + ")" : DeployCommand.duration(s.number("duration_ms")))
                            + (state.equals("failed") && s.string("message") != null ? "  " + s.string("message") : "")
                            + (state.equals("failed") && s.string("log") != null ? "\n  log: " + s.string("log") : ""));
                }
            }
            String state = String.valueOf(d.string("state"));
            if (!state.equals("running")) {
                if (liveLine != null && tty) Output.stderr().print("\r\033[K");
                if (json) {
                    event("deployment_finished", d, null);
                } else {
                    String msg = app + ": " + state.replace('_', ' ') + " in " + DeployCommand.duration(d.number("duration_ms"))
                            + (d.string("message") != null ? " — " + d.string("message") : "");
                    if (state.equals("succeeded")) Output.out(msg);
                    else Output.err("berth: " + msg + (d.string("failed_step") != null ? "\n  failed step: " + d.string("failed_step") : "")
                            + "\n  details: berth deployments show " + id);
                }
                return state;
            }
            if (tty && liveLine != null && System.currentTimeMillis() - lastTick > 200) {
                lastTick = System.currentTimeMillis();
                Reply running = runningStep(d);
                long started = running == null ? System.currentTimeMillis() : running.number("started_at_ms");
                Output.stderr().print("\r\033[K" + liveLine + "  " + DeployCommand.duration(System.currentTimeMillis() - started));
                Output.stderr().flush();
            }
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILED, "interrupted; the deployment goes on in the daemon: berth deployments show " + id);
            }
        }
    }

    private static Reply runningStep(Reply d) {
        for (Reply s : d.list("steps")) {
            if ("running".equals(s.string("state"))) return s;
        }
        return null;
    }

    private static String describe(Reply s) {
        String c = s.string("command");
        return c == null ? "..." : c + " ...";
    }

    private static String mark(String state) {
        return switch (state) {
            case "ok" -> "ok";
            case "failed" -> "FAILED";
            default -> state;
        };
    }

    /** One line of --json progress; values as the daemon gave them. */
    private static void event(String kind, Reply deployment, Reply step) {
        Map<String, Object> d = deployment.fields();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", kind);
        e.put("deployment", d.get("id"));
        e.put("app", d.get("app"));
        e.put("at_ms", System.currentTimeMillis());
        if (step != null) {
            e.put("step", step.fields().get("name"));
            e.put("command", step.fields().get("command"));
            boolean started = kind.equals("step_started");
            e.put("state", started ? "running" : step.fields().get("state"));
            if (!started) e.put("duration_ms", step.fields().get("duration_ms"));
            if (!started && step.fields().get("message") != null) e.put("message", step.fields().get("message"));
            e.put("log", step.fields().get("log"));
        } else {
            e.put("state", d.get("state"));
            e.put("release", d.get("release"));
            e.put("commit", d.get("commit"));
            if (d.get("failed_step") != null) e.put("failed_step", d.get("failed_step"));
            if (d.get("message") != null) e.put("message", d.get("message"));
        }
        Output.out(DeployCommand.json(e));
    }
}
