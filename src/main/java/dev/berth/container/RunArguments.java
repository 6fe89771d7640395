package dev.berth.container;

import dev.berth.config.ContainerSpec;
import dev.berth.config.ContainerSpec.Gpus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The engine's `run` argument list for one instance of a container app. The container runs in the
 * foreground, so the process Berth supervises is the engine's client: its output is the
 * container's, its exit code the container's, and a signal sent to it reaches the container (the
 * engines proxy signals by default). Values of the app's environment are never on this line:
 * `-e NAME` takes each from the client's own environment, which Berth sets.
 */
public final class RunArguments {
    /** The labels that mark Berth's containers, for finding them again. */
    public static final String APP_LABEL = "berth.app";
    public static final String INSTANCE_LABEL = "berth.instance";
    public static final String HOME_LABEL = "berth.home";

    private RunArguments() { }

    /**
     * @param name        the container's name (unique: two may run for one slot during a switch)
     * @param home        a token of BERTH_HOME, for the home label
     * @param hostAddress where the port is published: 127.0.0.1 behind the front door, 0.0.0.0 for port:
     * @param hostPort    the instance's port on the host, or null when it has none
     * @param envNames    the names of the app's environment, passed by name
     */
    public static List<String> of(Engine.Kind engine, ContainerSpec c, String app, String instance, String name, String home,
                                  String hostAddress, Integer hostPort, Collection<String> envNames) {
        List<String> a = new ArrayList<>();
        a.add("run");
        a.add("--rm");
        a.add("--name=" + name);
        a.add("--restart=no"); // Berth is the one supervisor
        // the output reaches Berth's log files through the attached client; the engine keeping a copy too would fill its disk
        a.add("--log-driver=none");
        a.add("--label=" + APP_LABEL + "=" + app);
        a.add("--label=" + INSTANCE_LABEL + "=" + instance);
        a.add("--label=" + HOME_LABEL + "=" + home);
        if (c.init()) a.add("--init");
        if (hostPort != null && c.port() != null) {
            a.add("--publish=" + hostAddress + ":" + hostPort + ":" + c.port());
            a.add("--env=PORT=" + c.port()); // the port inside, where a process app would find its own
        }
        for (String n : envNames) {
            if (!n.equals("PORT")) a.add("--env=" + n);
        }
        for (ContainerSpec.Volume v : c.volumes()) a.add("--volume=" + v.option());
        if (c.memory() != null) {
            a.add("--memory=" + c.memory() + "b");
            a.add("--memory-swap=" + c.memory() + "b"); // the limit is the limit: no swap beyond it
        }
        if (c.cpus() != null) a.add("--cpus=" + c.cpus());
        if (c.user() != null) a.add("--user=" + c.user());
        if (c.readOnly()) a.add("--read-only");
        for (String cap : c.capDrop()) a.add("--cap-drop=" + cap);
        for (String cap : c.capAdd()) a.add("--cap-add=" + cap);
        if (c.gpus() != null) a.addAll(gpus(engine, c.gpus()));
        if (c.healthcheck() != null) a.addAll(healthcheck(c.healthcheck()));
        a.addAll(c.engineArgs());
        a.add(c.image());
        a.addAll(c.command());
        return List.copyOf(a);
    }

    /** The same options in both engines; a duration in whole seconds or milliseconds, as both parse. */
    static List<String> healthcheck(ContainerSpec.Healthcheck h) {
        if (h.disabled()) return List.of("--no-healthcheck");
        List<String> a = new ArrayList<>();
        a.add("--health-cmd=" + h.test());
        if (h.interval() != null) a.add("--health-interval=" + h.interval().toMillis() + "ms");
        if (h.timeout() != null) a.add("--health-timeout=" + h.timeout().toMillis() + "ms");
        if (h.retries() != null) a.add("--health-retries=" + h.retries());
        if (h.startPeriod() != null) a.add("--health-start-period=" + h.startPeriod().toMillis() + "ms");
        return a;
    }

    /**
     * Docker: --gpus (all, a count, or "device=0,2" with its quotes, which Docker's parser needs
     * around a list). Podman: CDI devices of nvidia-container-toolkit (nvidia.com/gpu=all, or one
     * per GPU; a count is the first N).
     */
    static List<String> gpus(Engine.Kind engine, Gpus g) {
        List<String> a = new ArrayList<>();
        if (engine == Engine.Kind.DOCKER) {
            if (g.all()) a.add("--gpus=all");
            else if (g.count() != null) a.add("--gpus=" + g.count());
            else a.add("--gpus=\"device=" + String.join(",", g.ids()) + "\"");
            return a;
        }
        if (g.all()) {
            a.add("--device=nvidia.com/gpu=all");
        } else if (g.count() != null) {
            for (int i = 0; i < g.count(); i++) a.add("--device=nvidia.com/gpu=" + i);
        } else {
            for (String id : g.ids()) a.add("--device=nvidia.com/gpu=" + id);
        }
        return a;
    }
}
