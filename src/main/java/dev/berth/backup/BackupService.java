package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.fault.CrashPoints;
import dev.berth.files.Names;
import dev.berth.json.Json;
import dev.berth.store.BackupCatalog;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs backups one at a time per backup, and keeps the catalog true to what is on disk. */
public final class BackupService {
    private static final Logger LOG = Logger.getLogger(BackupService.class.getName());

    private final BackupCatalog catalog;
    private final Path defaultRoot;
    /** Backups running now, with when they started: one run at a time per backup. */
    private final Map<String, Long> running = new ConcurrentHashMap<>();

    private final BackupAlerts alerts;
    private final OffsiteCopies offsite;
    /** Archives a restore or verify is reading: retention leaves them until it is done. */
    private final ArchivesInUse inUse = new ArchivesInUse();

    /** @param defaultRoot where archives go when a backup sets no `to` (BERTH_HOME/backups) */
    public BackupService(BackupCatalog catalog, Path defaultRoot, BackupAlerts alerts) {
        this.catalog = catalog;
        this.defaultRoot = defaultRoot;
        this.alerts = alerts;
        this.offsite = new OffsiteCopies(catalog, inUse);
        try {
            int n = catalog.interruptRunning();
            if (n > 0) LOG.warning(n + " backup run(s) were interrupted by the previous daemon's end");
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot mark interrupted backups", e);
        }
    }

    /** Removes `.partial` files a killed run left in a backup's directory (never a finished archive). */
    private static void removeStalePartials(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (var files = Files.list(dir)) {
            long day = System.currentTimeMillis() - 86_400_000L;
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".partial")).toList()) {
                // a verify may be reading an off-site copy into this directory right now (it does not hold the backup's place)
                if (f.getFileName().toString().startsWith(".download-") && Files.getLastModifiedTime(f).toMillis() > day) continue;
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot clean " + dir, e);
        }
    }

    /** The named backups of a berth.yml (all when names is empty or `all`), one after the other, in declared order. */
    public List<BackupRun> run(BerthFile file, List<String> names, String trigger) {
        List<BackupSpec> chosen = new ArrayList<>();
        if (names.isEmpty() || names.equals(List.of("all"))) {
            chosen.addAll(file.backups());
        } else {
            for (String n : names) chosen.add(file.backup(n).orElseThrow(() -> unknownBackup(file, n)));
        }
        if (chosen.isEmpty()) throw new Names.Unknown(file.path() + " has no backups: section");
        List<BackupRun> out = new ArrayList<>();
        for (BackupSpec b : chosen) out.add(runOne(b, trigger));
        return out;
    }

    private BackupRun runOne(BackupSpec b, String trigger) {
        Long since = running.putIfAbsent(b.name(), System.currentTimeMillis());
        if (since != null) return BackupRun.refused(b.name(), "a run of " + b.name() + " is already going (since " + Instant.ofEpochMilli(since) + ")");
        try {
            return take(b, trigger);
        } finally {
            running.remove(b.name());
        }
    }

    /**
     * One run, by a caller that holds the backup's place in `running`. Retention runs after a
     * good regular run; not after a restore's safety backup, so that a restore, good or failed,
     * leaves every archive as it was.
     */
    private BackupRun take(BackupSpec b, String trigger) {
        boolean regular = !trigger.equals(BackupCatalog.SAFETY);
        long id = -1;
        BackupRun.Archive archive = null;
        OffsiteCopy copy = new OffsiteCopy();
        List<PrunedArchive> pruned = List.of();
        String error = null;
        try {
            id = catalog.begin(b.name(), kind(b), trigger, b.compress());
            Path dir = b.to() != null ? b.to() : defaultRoot.resolve(b.name());
            removeStalePartials(dir); // no run of this backup is going (the running map says so): any .partial is a killed run's
            long run = id;
            BackupRunner.Archive a = BackupRunner.run(b, dir, lastBytes(b.name()),
                    done -> catalog.renaming(run, done.file().toString(), done.bytes(), done.sha256(), done.toolVersion(), done.serverVersion()));
            catalog.succeeded(id, a.file().toString(), a.bytes(), a.sha256(), a.toolVersion(), a.serverVersion());
            archive = new BackupRun.Archive(a.file().toString(), a.bytes(), a.sha256(), a.millis(), a.toolVersion(), a.serverVersion());
            if (b.offsite() != null) error = copyOffsite(b, id, a, copy, regular);
            if (regular) pruned = prune(b, false);
        } catch (BackupException e) {
            fail(id, e.getMessage());
            alerts.raise(b.name(), "backup_failed", "backup " + b.name() + " (" + trigger + ") failed: " + e.getMessage());
            error = e.getMessage();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "backup " + b.name() + " failed", e);
            alerts.raise(b.name(), "backup_failed", "backup " + b.name() + " (" + trigger + ") failed: " + e);
            fail(id, e.toString());
            error = e.toString();
        }
        return new BackupRun(b.name(), id < 0 ? null : id, archive, copy.location, copy.retried, copy.pruned, error, pruned);
    }

    /** What a run did off-site so far: filled in step by step, so a later step's failure keeps what the earlier ones did. */
    private static final class OffsiteCopy {
        String location;
        List<OffsiteRetry> retried = List.of();
        List<PrunedArchive> pruned = List.of();
    }

    /**
     * The off-site copy of a run's archive. A failed upload fails the run (the archive stays on
     * this machine and is uploaded again after the next run): silence is never success. Returns
     * that failure, or null.
     */
    private String copyOffsite(BackupSpec b, long id, BackupRunner.Archive a, OffsiteCopy copy, boolean prune) {
        try {
            String key = offsite.upload(b, id, a.file(), a.sha256(), a.bytes());
            copy.location = "s3://" + b.offsite().bucket() + "/" + key;
            copy.retried = offsite.retryFailed(b);
            if (prune) copy.pruned = offsite.prune(b, false);
            return null;
        } catch (BackupException e) {
            alerts.raise(b.name(), "offsite_failed", "backup " + b.name() + " #" + id + ": the archive is on this machine, but its off-site "
                    + e.getMessage());
            return "the archive " + a.file() + " was written, but its off-site " + e.getMessage();
        }
    }

    /**
     * Checks an archive: its checksum against the catalog, and with restore, a drill into a
     * scratch target that is checked and dropped. target: a catalog id, or a backup name for its
     * newest good archive.
     */
    public BackupVerification verify(BerthFile file, String target, boolean restore, boolean fromOffsite) {
        long id = find(file, target).id();
        try (ArchivesInUse.Hold held = inUse.hold(id)) {
            // read again under the hold: a prune that came first has marked it pruned by now
            return verifyHeld(file, catalog.get(id).orElseThrow(), restore, fromOffsite);
        }
    }

    private BackupVerification verifyHeld(BerthFile file, BackupCatalog.Entry e, boolean restore, boolean fromOffsite) {
        Path archive = e.local() ? Path.of(e.file()) : null;
        boolean useOffsite = fromOffsite || archive == null || !Files.isRegularFile(archive);
        if (useOffsite && !e.offsite()) {
            return new BackupVerification(e.id(), e.name(), e.file(), null, null, null,
                    fromOffsite ? "#" + e.id() + " has no off-site copy" + (e.offsiteError() == null ? "" : " (" + e.offsiteError() + ")")
                    : "the archive " + e.file() + " is missing" + (e.local() ? "" : " (" + e.state() + ")") + ", and it has no off-site copy");
        }
        String location = null;
        String checksum = null;
        Path downloaded = null;
        try {
            String sum;
            if (useOffsite) {
                BackupSpec spec = specFor(file, e, "reading its off-site copy");
                location = "s3://" + spec.offsite().bucket() + "/" + e.offsiteKey();
                if (restore) {
                    downloaded = offsite.download(spec, e, scratchDir(spec)); // checked against the catalog while it is read
                    archive = downloaded;
                    sum = e.sha256();
                } else {
                    sum = offsite.sha256(spec, e);
                }
            } else {
                sum = Restorer.sha256(archive);
            }
            boolean same = sum.equals(e.sha256());
            checksum = same ? "ok" : "MISMATCH: catalog " + e.sha256() + ", file " + sum;
            if (!same) return new BackupVerification(e.id(), e.name(), e.file(), location, checksum, null, null);
            DrillFindings found = null;
            if (restore) {
                BackupSpec spec = specFor(file, e, "a restore drill");
                String scratch = ("berth_drill_" + e.name() + "_" + e.id() + "_" + Long.toHexString(System.currentTimeMillis()))
                        .replaceAll("[^A-Za-z0-9_]", "_");
                try {
                    found = Restorer.drill(spec, archive, e.compress(), scratch);
                    catalog.drilled(e.id(), true, Json.write(found.fields()));
                } catch (BackupException x) {
                    catalog.drilled(e.id(), false, Json.write(Map.of("error", x.getMessage())));
                    alerts.raise(e.name(), "drill_failed", "restore drill of " + e.name() + " #" + e.id() + " failed: " + x.getMessage());
                    return new BackupVerification(e.id(), e.name(), e.file(), location, checksum, null, "restore drill failed: " + x.getMessage());
                }
            }
            return new BackupVerification(e.id(), e.name(), e.file(), location, checksum, found, null);
        } catch (BackupException x) {
            return new BackupVerification(e.id(), e.name(), e.file(), location, checksum, null, x.getMessage());
        } finally {
            if (downloaded != null) OffsiteCopies.deleteQuietly(downloaded);
        }
    }

    private static BackupSpec specFor(BerthFile file, BackupCatalog.Entry e, String what) {
        return file.backup(e.name()).orElseThrow(() -> new IllegalArgumentException("backup " + e.name()
                + " is not in " + file.path() + ": " + what + " needs its settings"));
    }

    /** Where a downloaded copy is put while it is used: the backup's own directory (its file system has room for archives). */
    private Path scratchDir(BackupSpec b) {
        return b.to() != null ? b.to() : defaultRoot.resolve(b.name());
    }

    /**
     * Restores archive #id over its source (or `to`). Without confirmed, only says what would
     * be overwritten. With safety, first takes a backup of the current state (trigger "safety").
     */
    public BackupRestore restore(BerthFile file, long id, String to, boolean confirmed, boolean safety, boolean fromOffsite) {
        try (ArchivesInUse.Hold held = inUse.hold(id)) { // read under the hold: a prune that came first has marked it pruned by now
            return restoreHeld(file, id, to, confirmed, safety, fromOffsite);
        }
    }

    private BackupRestore restoreHeld(BerthFile file, long id, String to, boolean confirmed, boolean safety, boolean fromOffsite)
            {
        // a database or a path, handed to the restore tools: never one they would read as an option
        if (to != null && (to.isBlank() || to.startsWith("-"))) {
            throw new IllegalArgumentException("--to takes a database name or a path, not \"" + (to.length() > 60 ? to.substring(0, 60) + "..." : to) + "\"");
        }
        BackupCatalog.Entry e = archive(String.valueOf(id));
        boolean localFile = e.local() && Files.isRegularFile(Path.of(e.file()));
        boolean useOffsite = fromOffsite || !localFile;
        if (useOffsite && !e.offsite()) {
            throw new IllegalArgumentException("backup #" + id + (fromOffsite ? " has no off-site copy"
                    : e.local() ? ": its archive " + e.file() + " is missing, and it has no off-site copy" : " is " + e.state() + ", not a good archive"));
        }
        BackupSpec spec = specFor(file, e, "a restore");
        if (useOffsite && spec.offsite() == null) throw new IllegalArgumentException("backup " + e.name() + " in " + file.path() + " has no offsite: settings to read its copy with");
        String archiveAt = useOffsite ? "s3://" + spec.offsite().bucket() + "/" + e.offsiteKey() : e.file();
        String overwrites = Restorer.describeTarget(spec, to);
        if (!confirmed) return new BackupRestore(id, e.name(), archiveAt, overwrites, safety, null, true, null);
        Long since = running.putIfAbsent(e.name(), System.currentTimeMillis());
        if (since != null) return new BackupRestore(id, e.name(), archiveAt, overwrites, safety, null, false, "a run of " + e.name() + " is going; restore after it");
        Path downloaded = null;
        BackupRun safetyRun = null;
        String safetyArchive = null; // "#7 (path)", once the safety backup is on disk
        try {
            Path archive;
            if (useOffsite) {
                downloaded = offsite.download(spec, e, scratchDir(spec)); // checked against the catalog while it is read
                archive = downloaded;
            } else {
                archive = Path.of(e.file());
                String sum = Restorer.sha256(archive);
                if (!sum.equals(e.sha256())) throw new BackupException("the archive's checksum differs from the catalog's: not restoring it");
            }
            if (safety && to == null) {
                safetyRun = take(spec, BackupCatalog.SAFETY); // this restore holds the backup's place: no run slips in between
                if (!safetyRun.ok()) throw new BackupException("the safety backup failed, so nothing was restored: " + safetyRun.error());
                safetyArchive = "#" + safetyRun.id() + " (" + (safetyRun.archive() == null ? null : safetyRun.archive().file()) + ")";
            }
            Restorer.restore(spec, archive, e.compress(), to);
            return new BackupRestore(id, e.name(), archiveAt, overwrites, safety, safetyRun, false, null);
        } catch (BackupException x) {
            return new BackupRestore(id, e.name(), archiveAt, overwrites, safety, safetyRun, false,
                    x.getMessage() + (safetyArchive == null ? "" : "; the safety backup " + safetyArchive + " holds "
                    + "the " + Restorer.target(spec, null) + " as it was before this restore"));
        } finally {
            if (downloaded != null) OffsiteCopies.deleteQuietly(downloaded);
            running.remove(e.name());
        }
    }

    /** target: a catalog id, or the name of a backup in the catalog or in file; anything else is refused with the list. */
    private BackupCatalog.Entry find(BerthFile file, String target) {
        if (target.matches("[0-9]{1,18}")) {
            var e = catalog.get(Long.parseLong(target));
            if (e.isPresent()) return e.get();
        }
        Set<String> names = new TreeSet<>(catalog.names());
        for (BackupSpec b : file.backups()) names.add(b.name());
        if (!names.contains(target)) {
            List<String> known = new ArrayList<>(names);
            for (BackupCatalog.Entry e : catalog.list(null, 10)) known.add(String.valueOf(e.id()));
            throw Names.unknown("backup or archive id", null, target, known);
        }
        for (BackupCatalog.Entry e : catalog.list(target, 1000)) {
            if (e.local() || e.offsite()) return e;
        }
        throw new Names.Unknown("no good archive of \"" + target + "\" in the catalog; `berth backup list` shows them");
    }

    /** An archive of the catalog by its id (as given); anything else is refused with the newest ids. */
    public BackupCatalog.Entry archive(String id) {
        var e = id != null && id.matches("[0-9]{1,18}") ? catalog.get(Long.parseLong(id)) : Optional.<BackupCatalog.Entry>empty();
        if (e.isPresent()) return e.get();
        throw Names.unknown("archive", "in the backup catalog", id, catalog.list(null, 20).stream().map(x -> x.id() + " (" + x.name() + ")").toList());
    }

    private static Names.Unknown unknownBackup(BerthFile file, String name) {
        return Names.unknown("backup", "in " + file.path(), name, file.backups().stream().map(BackupSpec::name).toList());
    }

    /** Applies each backup's retention (see Retention); with dryRun, only says what it would remove. */
    public List<PrunedArchive> prune(BerthFile file, List<String> names, boolean dryRun) {
        if (names.equals(List.of("all"))) names = List.of();
        for (String n : names) if (file.backup(n).isEmpty()) throw unknownBackup(file, n);
        List<PrunedArchive> out = new ArrayList<>();
        for (BackupSpec b : file.backups()) {
            if (!names.isEmpty() && !names.contains(b.name())) continue;
            out.addAll(prune(b, dryRun));
            out.addAll(offsite.prune(b, dryRun));
        }
        return out;
    }

    private List<PrunedArchive> prune(BackupSpec b, boolean dryRun) {
        List<BackupCatalog.Entry> good = catalog.list(b.name(), 100000).stream().filter(e -> e.state().equals("succeeded")).toList();
        List<Retention.Archive> archives = good.stream().map(e -> new Retention.Archive(e.id(), Instant.ofEpochMilli(e.startedAt()), e.safety())).toList();
        List<Long> remove = Retention.toRemove(archives, b.keep(), Instant.now());
        List<PrunedArchive> out = new ArrayList<>();
        for (BackupCatalog.Entry e : good) {
            // one a restore or verify is reading stays until it is done; the next prune removes it
            if (!remove.contains(e.id()) || inUse.isHeld(e.id())) continue;
            String error = null;
            if (!dryRun) {
                try {
                    boolean removed = inUse.removeUnlessHeld(e.id(), () -> {
                        // recorded first: a daemon killed in between leaves a file of a pruned row, which the next
                        // one deletes (BackupReconciler), never a succeeded row without its file
                        catalog.pruned(e.id());
                        CrashPoints.reach("prune.recorded");
                        Files.deleteIfExists(Path.of(e.file()));
                    });
                    if (!removed) continue;
                } catch (IOException x) {
                    error = "cannot delete: " + x.getMessage();
                }
            }
            out.add(new PrunedArchive(e.id(), e.name(), false, e.file(), error));
        }
        return out;
    }

    private void fail(long id, String error) {
        if (id < 0) return;
        try {
            catalog.failed(id, "failed", error);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record a failed backup", e);
        }
    }

    private long lastBytes(String name) {
        for (BackupCatalog.Entry e : catalog.list(name, 20)) {
            if (e.state().equals("succeeded") && e.bytes() != null) return e.bytes();
        }
        return 0;
    }

    static String kind(BackupSpec b) {
        return switch (b.source()) {
            case BackupSpec.Postgres p -> "postgres";
            case BackupSpec.MySql m -> "mysql";
            case BackupSpec.Sqlite s -> "sqlite";
            case BackupSpec.Redis r -> "redis";
            case BackupSpec.Mongo m -> "mongo";
            case BackupSpec.Dir d -> "dir";
        };
    }
}
