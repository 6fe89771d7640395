package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What differs between the config an app's instances run on and the one berth.yml gives now,
 * field by field, for `start` on a running app to say what it did not apply. Env values may be
 * secrets: only the keys are named (+ added, ~ changed, - removed).
 */
final class SpecChanges {
    private SpecChanges() { }

    /**
     * @param running    the app's config as the supervisor last applied it
     * @param envDigests the env digest of each instance that runs (what it was started with)
     */
    static List<String> between(AppSpec running, List<Map<String, String>> envDigests, AppSpec wanted) {
        List<String> out = new ArrayList<>();
        if (running.instances() != wanted.instances()) out.add("instances: " + wanted.instances());
        if (!running.command().equals(wanted.command())) {
            out.add(switch (wanted.command()) {
                case AppSpec.ShellCommand c -> "another run line";
                case AppSpec.ExecCommand c -> "another script or args";
                case AppSpec.ContainerCommand c -> "another image or container settings";
            });
        }
        if (!running.cwd().equals(wanted.cwd())) out.add("cwd: " + wanted.cwd());
        if (!Objects.equals(running.port(), wanted.port())) out.add(wanted.port() == null ? "no port" : "port: " + wanted.port());
        // per instance: one started before an earlier `start` that applied nothing to it still runs its own env
        Map<String, String> now = EnvDigest.of(wanted.env());
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, String> d : envDigests) {
            String c = EnvDigest.changes(d, now);
            if (c != null) keys.addAll(List.of(c.split(" ")));
        }
        if (!keys.isEmpty()) out.add("env " + String.join(" ", keys));
        if (!Objects.equals(running.envProfile(), wanted.envProfile())) out.add("env profile: " + (wanted.envProfile() == null ? "none" : wanted.envProfile()));
        if (!Objects.equals(running.maxMemory(), wanted.maxMemory())) out.add("another max_memory");
        if (!Objects.equals(running.cronRestart(), wanted.cronRestart())) out.add("another cron_restart");
        if (!running.restart().equals(wanted.restart())) out.add("another restart policy");
        if (!running.stopSignal().equals(wanted.stopSignal()) || !running.killTimeout().equals(wanted.killTimeout())) out.add("another stop_signal or kill_timeout");
        if (!Objects.equals(running.ready(), wanted.ready())) out.add("another ready");
        if (!running.logs().equals(wanted.logs())) out.add("other logs settings");
        return out;
    }
}
