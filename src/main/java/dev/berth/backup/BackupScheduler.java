package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.CronExpressions;
import dev.berth.config.SecretBox;
import dev.berth.json.Json;
import dev.berth.store.BackupCatalog;
import dev.berth.store.Operations;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes scheduled backups in the daemon. The berth.yml files it watches are the ones a backup
 * was run from or apps were started from (see {@link #watch}); each tick it reads them and runs
 * every backup whose schedule fired since its last run. A run missed while the daemon was down
 * is therefore taken once when it comes back, not once per missed slot.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BackupScheduler.class.getName());

    private final BackupService service;
    private final BackupCatalog catalog;
    private final ConfigCache configs;
    private final Set<Path> files = ConcurrentHashMap.newKeySet();
    private final Map<Path, Map<String, String>> variables = new ConcurrentHashMap<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Instant startedAt = Instant.now();
    private final Thread ticker;
    private volatile boolean closed;

    private final BackupAlerts alerts;

    /** Seals the variables kept in the state store (they may hold passwords); null keeps them as they are (tests). */
    private final SecretBox secrets;

    /** Where a drill under way is recorded (null: nowhere, in tests), so that a daemon killed meanwhile leaves its scratch database to the next one. */
    private final Operations operations;

    public BackupScheduler(BackupService service, BackupCatalog catalog, ConfigCache configs, BackupAlerts alerts,
                           SecretBox secrets, Operations operations) {
        this.operations = operations;
        this.secrets = secrets;
        this.alerts = alerts;
        this.service = service;
        this.catalog = catalog;
        this.configs = configs;
        this.ticker = Thread.ofPlatform().daemon().name("berth-backup-schedule").start(this::loop);
    }

    /** Watches a berth.yml for scheduled backups from now on, and after daemon restarts (idempotent). */
    public void watch(Path berthYml, Map<String, String> vars) {
        Path p = berthYml.toAbsolutePath().normalize();
        Map<String, String> copy = new HashMap<>(vars);
        copy.values().removeIf(Objects::isNull);
        boolean known = files.contains(p) && copy.equals(variables.get(p));
        files.add(p);
        variables.put(p, Map.copyOf(copy));
        if (known) return;
        try {
            catalog.watchSource(p.toString(), seal(Json.write(copy)));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot remember " + p + " for scheduled backups", e);
        }
    }

    /** The berth.yml files watched before the daemon restarted. */
    public void resume() {
        try {
            catalog.sources().forEach((path, vars) -> {
                Path p = Path.of(path);
                files.add(p);
                Map<String, String> m = new HashMap<>(Json.readStringMap(open(vars)));
                m.values().removeIf(Objects::isNull);
                variables.put(p, Map.copyOf(m));
            });
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the watched berth.yml files", e);
        }
    }

    private String seal(String json) {
        return secrets == null ? json : secrets.sealText(json);
    }

    /** Sealed variables, or the plain JSON an older daemon wrote. */
    private String open(String stored) {
        try {
            return secrets == null ? stored : secrets.openText(stored);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot open the variables of a watched berth.yml (was secret.key replaced?): " + e.getMessage());
            return "{}";
        }
    }

    /** What the next daemon needs to clean up after a drill killed with its daemon: the file, its variables, the archive drilled. */
    private String drillDetail(Path config, String name) {
        long id = catalog.list(name, 1000).stream().filter(e -> e.local() || e.offsite()).map(BackupCatalog.Entry::id).findFirst().orElse(-1L);
        return new RestoreRecord(config, variables.getOrDefault(config, Map.of()), id, null).write(secrets);
    }

    private void loop() {
        while (!closed) {
            try {
                tick(Instant.now());
                Thread.sleep(15_000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "backup schedule tick failed", e);
            }
        }
    }

    void tick(Instant now) {
        for (Path p : files) {
            if (!Files.isRegularFile(p)) continue;
            BerthFile file = current(p);
            if (file == null) continue;
            for (BackupSpec b : file.backups()) {
                checkMissed(b, now);
                if (b.drill() != null && !busy.contains(b.name() + "#drill") && due(b.drill(), lastDrill(b.name()), startedAt, now)) {
                    busy.add(b.name() + "#drill");
                    Thread.ofVirtual().name("drill-" + b.name()).start(() -> {
                        try {
                            BackupVerification r = operations == null ? service.verify(file, b.name(), true, false)
                                    : operations.during("drill", "backup:" + b.name(), drillDetail(p, b.name()), () -> service.verify(file, b.name(), true, false));
                            if (!r.ok()) LOG.warning("scheduled drill of " + b.name() + " failed: " + r.error());
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "scheduled drill of " + b.name() + " failed", e);
                            alerts.raise(b.name(), "drill_failed", "restore drill of " + b.name() + " could not run: " + e.getMessage());
                        } finally {
                            busy.remove(b.name() + "#drill");
                        }
                    });
                }
                if (b.schedule() == null || busy.contains(b.name())) continue;
                Instant last = lastRun(b.name());
                // without catch_up, a slot that passed while the daemon was down is not made up
                if (!b.catchUp() && last != null && last.isBefore(startedAt)) last = startedAt;
                if (due(b.schedule(), last, startedAt, now)) {
                    busy.add(b.name());
                    Thread.ofVirtual().name("backup-" + b.name()).start(() -> {
                        try {
                            BackupRun r = service.run(file, List.of(b.name()), "schedule").get(0);
                            if (!r.ok()) LOG.warning("scheduled backup " + b.name() + " failed: " + r.error());
                        } finally {
                            busy.remove(b.name());
                        }
                    });
                }
            }
        }
    }

    /** Silence is a failure: a scheduled time passed by more than the grace and no good backup since raises one alert. */
    private void checkMissed(BackupSpec b, Instant now) {
        if (b.schedule() == null) return;
        Instant slot = missedSlot(b.schedule(), lastSuccess(b.name()), startedAt, now, b.grace());
        if (slot != null && !slot.equals(alerted.get(b.name()))) {
            alerted.put(b.name(), slot);
            alerts.raise(b.name(), "backup_missed", "backup " + b.name() + " was due at " + slot + " and has not succeeded since (grace "
                    + b.grace().toMinutes() + " min)");
        }
    }

    /** The scheduled time a backup missed (due more than grace ago, no success since), or null. Pure, for the tests. */
    static Instant missedSlot(String cron, Instant lastSuccess, Instant since, Instant now, Duration grace) {
        Instant base = lastSuccess != null ? lastSuccess : since;
        ZonedDateTime next = CronExpressions.nextAfter(cron, base.atZone(ZoneId.systemDefault()));
        return next != null && !next.toInstant().plus(grace).isAfter(now) ? next.toInstant() : null;
    }

    private final Map<String, Instant> alerted = new ConcurrentHashMap<>();

    private Instant lastSuccess(String name) {
        try {
            for (BackupCatalog.Entry e : catalog.list(name, 50)) {
                if (e.state().equals("succeeded")) return Instant.ofEpochMilli(e.startedAt());
            }
            return null;
        } catch (StoreException e) {
            return Instant.now();
        }
    }

    private Instant lastDrill(String name) {
        try {
            Long latest = null;
            for (BackupCatalog.Entry e : catalog.list(name, 200)) {
                if (e.drillAt() != null && (latest == null || e.drillAt() > latest)) latest = e.drillAt();
            }
            return latest == null ? null : Instant.ofEpochMilli(latest);
        } catch (StoreException e) {
            return Instant.now();
        }
    }

    private BerthFile current(Path p) {
        try {
            return configs.load(p, variables.getOrDefault(p, Map.of()));
        } catch (ConfigException e) {
            LOG.warning("scheduled backups of " + p + " skipped: " + e.problems().get(0));
            return null;
        }
    }

    /**
     * Whether the schedule fired after the last run (or, for a backup never run, after the
     * daemon started) and by now. Pure, for the tests.
     */
    static boolean due(String cron, Instant lastRun, Instant since, Instant now) {
        Instant base = lastRun != null ? lastRun : since;
        ZonedDateTime next = CronExpressions.nextAfter(cron, base.atZone(ZoneId.systemDefault()));
        return next != null && !next.toInstant().isAfter(now);
    }

    private Instant lastRun(String name) {
        try {
            List<BackupCatalog.Entry> runs = catalog.list(name, 1);
            return runs.isEmpty() ? null : Instant.ofEpochMilli(runs.get(0).startedAt());
        } catch (StoreException e) {
            return Instant.now(); // unknown: do not start a run on a guess
        }
    }

    @Override public void close() {
        closed = true;
        ticker.interrupt();
    }
}
