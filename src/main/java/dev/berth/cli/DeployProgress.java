package dev.berth.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a deployment the daemon runs, by polling it: each step as it starts (with its elapsed
 * time on a terminal) and its duration when done; with --json one event per line instead, for CI.
 * Returns the deployment's final state.
 */
final class DeployProgress {
    private DeployProgress() { }

    @SuppressWarnings("unchecked")
    static String follow(long id, String app, boolean json) {
        boolean tty = System.console() != null && !json;
        Map<Integer, String> seen = new HashMap<>();
        boolean announced = false;
        String liveLine = null;
        long lastTick = 0;
        while (true) {
            Map<String, Object> d = CommandEnvironment.client().get("/api/v1/deployments/" + id);
            if (!announced) {
                announced = true;
                if (json) event("deployment_started", d, null);
                else Output.err(app + ": " + d.get("kind") + " #" + id + " by " + d.get("who"));
            }
            for (Object o : (List<Object>) d.get("steps")) {
                Map<String, Object> s = (Map<String, Object>) o;
                int seq = ((Number) s.get("seq")).intValue();
                String state = String.valueOf(s.get("state"));
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
                    liveLine = "  " + DeployCommand.pad(String.valueOf(s.get("name")), 14) + describe(s);
                    if (!tty) Output.err(liveLine);
                } else {
                    Output.err("  " + DeployCommand.pad(String.valueOf(s.get("name")), 14) + mark(state) + " "
                            + (state.equals("skipped") ? "skipped (" + s.get("message") + ")" : DeployCommand.duration(s.get("duration_ms")))
                            + (state.equals("failed") && s.get("message") != null ? "  " + s.get("message") : "")
                            + (state.equals("failed") && s.get("log") != null ? "\n  log: " + s.get("log") : ""));
                }
            }
            String state = String.valueOf(d.get("state"));
            if (!state.equals("running")) {
                if (liveLine != null && tty) Output.stderr().print("\r\033[K");
                if (json) {
                    event("deployment_finished", d, null);
                } else {
                    String msg = app + ": " + state.replace('_', ' ') + " in " + DeployCommand.duration(d.get("duration_ms"))
                            + (d.get("message") != null ? " — " + d.get("message") : "");
                    if (state.equals("succeeded")) Output.out(msg);
                    else Output.err("berth: " + msg + (d.get("failed_step") != null ? "\n  failed step: " + d.get("failed_step") : "")
                            + "\n  details: berth deployments show " + id);
                }
                return state;
            }
            if (tty && liveLine != null && System.currentTimeMillis() - lastTick > 200) {
                lastTick = System.currentTimeMillis();
                Map<String, Object> running = runningStep(d);
                long started = running == null ? System.currentTimeMillis() : ((Number) running.get("started_at_ms")).longValue();
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runningStep(Map<String, Object> d) {
        for (Object o : (List<Object>) d.get("steps")) {
            Map<String, Object> s = (Map<String, Object>) o;
            if ("running".equals(s.get("state"))) return s;
        }
        return null;
    }

    private static String describe(Map<String, Object> s) {
        Object c = s.get("command");
        return c == null ? "..." : c + " ...";
    }

    private static String mark(String state) {
        return switch (state) {
            case "ok" -> "ok";
            case "failed" -> "FAILED";
            default -> state;
        };
    }

    private static void event(String kind, Map<String, Object> d, Map<String, Object> step) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", kind);
        e.put("deployment", d.get("id"));
        e.put("app", d.get("app"));
        e.put("at_ms", System.currentTimeMillis());
        if (step != null) {
            e.put("step", step.get("name"));
            e.put("command", step.get("command"));
            boolean started = kind.equals("step_started");
            e.put("state", started ? "running" : step.get("state"));
            if (!started) e.put("duration_ms", step.get("duration_ms"));
            if (!started && step.get("message") != null) e.put("message", step.get("message"));
            e.put("log", step.get("log"));
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
