package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.http.HttpProbeAnswer;
import dev.berth.http.HttpProbeRequest;
import dev.berth.http.HttpProber;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Replaces an instance of an app behind the front door without a failed request: the new
 * process starts on a fresh private port while the old one serves, must get ready (and pass
 * the caller's check), then the front door is switched to it, and only once what was in flight
 * to the old one has drained is the old one stopped. Until the switch, nothing live changes.
 *
 * <p>The new instance is recorded in the slot before the switch: a daemon killed after that
 * finds the new one in the slot and the old one as a stray of it (stopped by recover), and the
 * front door is rendered again from the slots.
 */
final class BlueGreen {
    private final Spawner spawner;
    private final Stopper stopper;
    private final SupervisionRecords records;

    BlueGreen(Spawner spawner, Stopper stopper, SupervisionRecords records) {
        this.spawner = spawner;
        this.stopper = stopper;
        this.records = records;
    }

    /**
     * @param check run on the new instance's port once it is ready; returns a problem or null
     * @return null once the new instance serves and the old one is gone, or why not (the old one still serves)
     */
    String replace(SupervisedApp a, Instance old, AppSpec spec, TrafficSwitch traffic, String why, IntFunction<String> check) {
        if (traffic == TrafficSwitch.NONE) {
            return "no front door serves this app's site (a daemon that could not read its berth.yml again?): `berth proxy apply`, then try again";
        }
        Instance fresh = new Instance(old.index);
        synchronized (a) {
            fresh.envDigest = old.envDigest;
            fresh.restarts = old.restarts + 1;
            fresh.retired = true; // a candidate: if it dies starting, the slot's record must stay the old instance's
        }
        String failure = Spawner.await(spawner.spawnInto(a, fresh, spec, false), spec);
        if (failure == null && check != null) failure = check.apply(fresh.port);
        if (failure != null) {
            stopper.stop(a, fresh, why + " failed");
            return "the new instance " + old.index + " did not get ready: " + failure + "; the old one keeps serving";
        }
        Integer oldPort;
        synchronized (a) {
            oldPort = old.port;
            a.instances.set(old.index, fresh);
            fresh.retired = false;
            old.retired = true;
        }
        records.persist(a.name, fresh);
        TrafficSwitch.Drain drain;
        try {
            drain = traffic.route(a.name, servingPorts(a));
        } catch (TrafficSwitch.SwitchFailure e) {
            synchronized (a) {
                a.instances.set(old.index, old);
                old.retired = false;
                fresh.retired = true;
            }
            records.persist(a.name, old);
            stopper.stop(a, fresh, why + " failed");
            return "the front door was not switched: " + e.getMessage() + "; the old instance keeps serving";
        }
        records.event(a.name, old.index, why, "switched to pid " + fresh.pid + " on port " + fresh.port + "; draining port " + oldPort);
        drain.await();
        stopper.stop(a, old, why);
        return null;
    }

    /**
     * deploy.health on the new instance's port before it gets traffic: two tries 300 ms apart
     * (a server that has just bound its port may not route yet). Null when there is no such check.
     */
    static IntFunction<String> healthCheck(AppSpec spec) {
        if (spec.deploy() == null || spec.deploy().health() == null) return null;
        String path = spec.deploy().health();
        return port -> {
            String problem = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpProbeAnswer answer = HttpProber.send(HttpProbeRequest.get(URI.create("http://127.0.0.1:" + port + path), Duration.ofSeconds(5)));
                problem = !answer.answered() ? "no answer (" + answer.problem() + ")" : answer.status() == 200 ? null : "answered " + answer.status();
                if (problem == null) return null;
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return "GET " + path + " " + problem;
        };
    }

    /** Tells the front door where the app's instances are now (after a start, or a slot started in place). */
    static String announce(SupervisedApp a, TrafficSwitch traffic) {
        if (traffic == TrafficSwitch.NONE) return "no front door serves this app's site yet: `berth proxy apply`";
        try {
            traffic.route(a.name, servingPorts(a));
            return null;
        } catch (TrafficSwitch.SwitchFailure e) {
            return "the front door was not updated: " + e.getMessage();
        }
    }

    /** The ports of the app's slots that run or are coming back (a restarting instance keeps its port). */
    static List<Integer> servingPorts(SupervisedApp a) {
        return servingPorts(a, Integer.MAX_VALUE);
    }

    /** As above, of the first {@code slots} slots only (what a scale-down keeps). */
    static List<Integer> servingPorts(SupervisedApp a, int slots) {
        List<Integer> out = new ArrayList<>();
        synchronized (a) {
            for (Instance i : a.instances.subList(0, Math.min(slots, a.instances.size()))) {
                InstanceState s = i.state();
                if (i.port != null && (s.isUp() || s == InstanceState.BACKOFF) && !out.contains(i.port)) out.add(i.port);
            }
        }
        return out;
    }
}
