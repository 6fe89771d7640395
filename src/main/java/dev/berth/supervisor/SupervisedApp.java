package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;
import dev.berth.config.CronExpressions;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One app under supervision: its spec, what the user wants of it and its instance slots.
 * Mutable: the operation lock is held for a whole start/stop/restart/reload (so those never
 * interleave), the object's monitor for short state changes.
 */
final class SupervisedApp {
    final String name;
    final SpecSource source;
    final ReentrantLock operation = new ReentrantLock(true);
    private final Clock clock;
    private final SupervisionRecords records;
    AppSpec spec;
    DesiredState desired = DesiredState.STOPPED;
    final List<Instance> instances = new ArrayList<>();
    ZonedDateTime nextCron;

    SupervisedApp(String name, SpecSource source, AppSpec spec, Clock clock, SupervisionRecords records) {
        this.name = name;
        this.source = source;
        this.spec = spec;
        this.clock = clock;
        this.records = records;
        scheduleCron();
    }

    void scheduleCron() {
        nextCron = spec.cronRestart() == null ? null
                : CronExpressions.nextAfter(spec.cronRestart(), ZonedDateTime.now(clock));
    }

    /** Today's spec, or the last good one (and a recorded warning) when berth.yml is broken now. */
    AppSpec freshSpec() {
        try {
            AppSpec fresh = source.load(name);
            synchronized (this) {
                spec = fresh;
                scheduleCron();
            }
            return fresh;
        } catch (ConfigException e) {
            records.event(name, null, "config", "berth.yml is invalid, using the last good config: " + e.problems().get(0));
            return spec;
        } catch (RuntimeException e) {
            records.event(name, null, "config", "cannot read berth.yml, using the last good config: " + e.getMessage());
            return spec;
        }
    }

    /** The slot, made (stopped) when the app has fewer. */
    Instance instance(int index) {
        while (instances.size() <= index) instances.add(new Instance(instances.size()));
        return instances.get(index);
    }
}
