package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.files.Names;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The apps under supervision, in the order they were registered, and snapshots of their state. */
final class AppRegistry {
    private final Map<String, SupervisedApp> apps = new LinkedHashMap<>();
    private final Clock clock;

    AppRegistry(Clock clock) {
        this.clock = clock;
    }

    /** The app, registered with spec and source when it is not yet. */
    SupervisedApp register(AppSpec spec, Function<String, SupervisedApp> create) {
        synchronized (apps) {
            return apps.computeIfAbsent(spec.name(), create);
        }
    }

    /** The registered app; Names.Unknown (exit 4, 404) when there is none of that name. */
    SupervisedApp get(String name) {
        synchronized (apps) {
            SupervisedApp a = apps.get(name);
            if (a == null) throw new Names.Unknown("no app named \"" + name + "\" is registered; `berth status` lists them");
            return a;
        }
    }

    boolean has(String name) {
        synchronized (apps) {
            return apps.containsKey(name);
        }
    }

    List<String> names() {
        synchronized (apps) {
            return List.copyOf(apps.keySet());
        }
    }

    List<SupervisedApp> all() {
        synchronized (apps) {
            return List.copyOf(apps.values());
        }
    }

    void remove(String name) {
        synchronized (apps) {
            apps.remove(name);
        }
    }

    AppStatus status(SupervisedApp a) {
        Instant now = clock.instant();
        synchronized (a) {
            List<InstanceStatus> is = new ArrayList<>();
            List<String> logs = new ArrayList<>();
            for (Instance i : a.instances) {
                boolean up = i.pid != null && i.state().isUp();
                is.add(new InstanceStatus(a.name, i.index, i.pid, i.state().label(), i.uptimeMillis(now), i.restarts,
                        up && i.cpuGeneration == i.generation ? i.cpuPercent : null,
                        up && i.memoryGeneration == i.generation ? i.rssBytes : null, i.port, i.adopted, i.reason, i.lastExitCode, i.envChanges,
                        i.startedAt == null ? 0 : i.startedAt.toEpochMilli()));
                LogFiles lf = LogFiles.of(a.spec, i.index);
                logs.add(lf.out().toString());
                if (!lf.merged()) logs.add(lf.err().toString());
            }
            String cmd = a.spec.command().shown();
            // the keys only: values (passwords, keys) never leave the daemon
            List<String> envKeys = a.spec.env().keySet().stream().sorted().toList();
            return new AppStatus(a.name, a.desired.label(), a.spec.envProfile(), null, cmd, a.spec.cwd().toString(), logs, is, envKeys);
        }
    }

    /** Log files of an app (every instance slot the spec declares), for `logs` and `flush`. */
    List<LogFiles> logFiles(String name) {
        SupervisedApp a = get(name);
        synchronized (a) {
            List<LogFiles> out = new ArrayList<>();
            for (int i = 0; i < Math.max(a.spec.instances(), a.instances.size()); i++) out.add(LogFiles.of(a.spec, i));
            return out;
        }
    }
}
