package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.files.FileTrees;
import dev.berth.json.Json;
import dev.berth.store.BackupCatalog;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Keeps the catalog and the backup directories true to each other across a daemon's death. At
 * start, before any run: a run the dead daemon left running whose archive is in place and matches
 * the checksum recorded before the rename is adopted (and says so); one whose archive is missing
 * or differs is interrupted, and a differing file removed; `.partial` files are removed; off-site
 * uploads under way are marked failed, so the next run uploads them again. Any time: archive
 * files in the backup directories that no good row names are listed for `backup list` and
 * `check`, rather than left to fill the disk unseen.
 */
public final class BackupReconciler {
    private static final Logger LOG = Logger.getLogger(BackupReconciler.class.getName());
    /** NAME-YYYYMMDD-HHMMSS[-N].EXT, as BackupRunner names archives. */
    private static final Pattern ARCHIVE = Pattern.compile("(.+)-\\d{8}-\\d{6}(-\\d+)?\\.[a-z0-9.]+");

    /** A file in a backup directory that no succeeded or running row names. */
    public record UnknownFile(String backup, Path file, long bytes, long modifiedAt) { }

    private final BackupCatalog catalog;
    private final Path defaultRoot;
    private final BackupAlerts events;

    /** @param events where what was found is recorded (events under backup:NAME) */
    public BackupReconciler(BackupCatalog catalog, Path defaultRoot, BackupAlerts events) {
        this.catalog = catalog;
        this.defaultRoot = defaultRoot;
        this.events = events;
    }

    /** At daemon start, before the backup service takes any run. Returns one line per thing it changed. */
    public List<String> reconcile() {
        List<String> done = new ArrayList<>();
        try {
            for (BackupCatalog.Entry e : catalog.inState("running")) done.add(settle(e));
            for (BackupCatalog.Entry e : catalog.inState("pruned")) {
                // a prune records the row first, then deletes the file: a daemon killed in between left it
                if (e.file() != null && Files.isRegularFile(Path.of(e.file()))) {
                    try {
                        Files.deleteIfExists(Path.of(e.file()));
                        done.add("backup " + e.name() + " #" + e.id() + " was pruned, but the berth daemon stopped before its archive "
                                + e.file() + " was deleted; deleted now");
                    } catch (IOException x) {
                        LOG.warning("cannot delete " + e.file() + " of pruned #" + e.id() + ": " + x.getMessage());
                    }
                }
            }
            int uploads = catalog.interruptUploads("interrupted: the berth daemon stopped during the upload; it is uploaded again after the next run");
            if (uploads > 0) done.add(uploads + " off-site upload(s) were interrupted; they are retried after the next run");
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot reconcile the backup catalog", e);
        }
        for (Path dir : directories()) removePartials(dir);
        for (String line : done) LOG.warning(line);
        return done;
    }

    private String settle(BackupCatalog.Entry e) {
        String run = "backup " + e.name() + " #" + e.id();
        Path file = e.file() == null ? null : Path.of(e.file());
        String message;
        if (file == null || !Files.isRegularFile(file)) {
            message = run + " was interrupted by the berth daemon's end" + (file == null ? "" : ", before its archive was renamed into place");
            catalog.failed(e.id(), "interrupted", "the berth daemon stopped during it");
        } else {
            String sum;
            try {
                sum = Restorer.sha256(file);
            } catch (BackupException x) {
                // unreadable now (permissions, a mount that hiccups) is not broken: keep it for a person to look at
                catalog.failed(e.id(), "interrupted", "the berth daemon stopped during it; its archive could not be read to check it and was kept: "
                        + x.getMessage());
                message = run + " was interrupted by the berth daemon's end; its archive " + file + " could not be read to check it ("
                        + x.getMessage() + "), so it was kept; `berth backup list` shows it as a file no good run names";
                events.raise(e.name(), "interrupted", message);
                return message;
            }
            if (sum.equals(e.sha256())) {
                long at = file.toFile().lastModified();
                catalog.adopted(e.id(), at > 0 ? at : System.currentTimeMillis(),
                        "adopted: the berth daemon stopped after the archive was complete; its checksum matches");
                message = run + ": the berth daemon stopped after its archive " + file + " was complete; adopted (checksum matches)";
            } else {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException x) {
                    LOG.warning("cannot remove " + file + ": " + x.getMessage());
                }
                catalog.failed(e.id(), "interrupted", "the berth daemon stopped during it; its archive did not match the recorded checksum and was removed");
                message = run + " was interrupted by the berth daemon's end; its archive " + file + " did not match the recorded checksum and was removed";
            }
        }
        events.raise(e.name(), "interrupted", message);
        return message;
    }

    /** The directories archives are in: BERTH_HOME/backups/NAME and every directory a row's file is in. */
    private Set<Path> directories() {
        Set<Path> dirs = new LinkedHashSet<>();
        if (Files.isDirectory(defaultRoot)) {
            try (var list = Files.list(defaultRoot)) {
                list.filter(Files::isDirectory).forEach(dirs::add);
            } catch (IOException e) {
                LOG.warning("cannot list " + defaultRoot + ": " + e.getMessage());
            }
        }
        try {
            for (BackupCatalog.Entry e : catalog.withFiles()) {
                Path parent = Path.of(e.file()).getParent();
                if (parent != null && Files.isDirectory(parent)) dirs.add(parent);
            }
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the backup catalog", e);
        }
        return dirs;
    }

    /** `.NAME.partial` files are a killed run's (this runs before any run starts); a fresh off-site download may be a verify's. */
    private static void removePartials(Path dir) {
        try (var files = Files.list(dir)) {
            long day = System.currentTimeMillis() - 86_400_000L;
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".") || !n.endsWith(".partial")) continue;
                if (n.startsWith(".download-") && Files.getLastModifiedTime(f).toMillis() > day) continue;
                Files.deleteIfExists(f);
                LOG.info("removed " + f + ", left by a killed run");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot clean " + dir, e);
        }
    }

    /**
     * Archive files (named as BackupRunner names them) in the backup directories that no
     * succeeded or running row names: copied in by hand, or left by a Berth that recorded the
     * name only after the rename. Newest first; name null for every backup.
     */
    public List<UnknownFile> unknownFiles(String name) {
        Set<String> named = new HashSet<>();
        Map<Path, Set<String>> backupsOfDir = new LinkedHashMap<>();
        try {
            for (BackupCatalog.Entry e : catalog.withFiles()) {
                if (e.state().equals("succeeded") || e.state().equals("running")) named.add(e.file());
                Path parent = Path.of(e.file()).getParent();
                if (parent != null) backupsOfDir.computeIfAbsent(parent, p -> new LinkedHashSet<>()).add(e.name());
            }
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the backup catalog", e);
            return List.of();
        }
        for (Path dir : directories()) {
            if (dir.getParent() != null && dir.getParent().equals(defaultRoot)) {
                backupsOfDir.computeIfAbsent(dir, p -> new LinkedHashSet<>()).add(dir.getFileName().toString());
            }
        }
        List<UnknownFile> out = new ArrayList<>();
        for (var d : backupsOfDir.entrySet()) {
            if (!Files.isDirectory(d.getKey())) continue;
            try (var files = Files.list(d.getKey())) {
                for (Path f : files.toList()) {
                    var m = ARCHIVE.matcher(f.getFileName().toString());
                    if (!m.matches() || !d.getValue().contains(m.group(1)) || named.contains(f.toString())) continue;
                    if (name != null && !name.equals(m.group(1))) continue;
                    if (!Files.isRegularFile(f)) continue;
                    out.add(new UnknownFile(m.group(1), f, Files.size(f), Files.getLastModifiedTime(f).toMillis()));
                }
            } catch (IOException e) {
                LOG.warning("cannot list " + d.getKey() + ": " + e.getMessage());
            }
        }
        out.sort(Comparator.comparingLong(UnknownFile::modifiedAt).reversed());
        return out;
    }

    /**
     * A restore drill of #id that a dead daemon left: its scratch database (named
     * berth_drill_NAME_ID_HEXMILLIS by BackupService, made after startedAt) is dropped, and the
     * catalog says the drill was interrupted. Scratch directories are under BERTH_HOME/tmp, which
     * the daemon empties at start. Returns what it did, for the backup's events.
     */
    public String interruptedDrill(BackupSpec spec, long id, long startedAt) {
        String prefix = ("berth_drill_" + spec.name() + "_" + id + "_").replaceAll("[^A-Za-z0-9_]", "_");
        List<String> dropped = new ArrayList<>();
        String problem = null;
        try {
            switch (spec.source()) {
                case BackupSpec.Postgres pg -> {
                    List<String> conn = List.of("psql", "-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "-w", "-d", "postgres",
                            "-At", "-v", "ON_ERROR_STOP=1", "-c");
                    // the server finishes a CREATE DATABASE whose psql was killed with the daemon: wait for it, or the
                    // database would appear after it was looked for
                    String creating = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE " + prefix.replace("_", "\\_") + "%'";
                    for (int i = 0; i < 300 && !BackupTools.run(with(conn, creating), spec.env(), "psql").strip().equals("0"); i++) pause();
                    for (String db : BackupTools.run(with(conn, "SELECT datname FROM pg_database"), spec.env(), "psql").lines().map(String::strip).toList()) {
                        if (!scratchOf(db, prefix, startedAt)) continue;
                        try {
                            // FORCE: a pg_restore killed with the daemon may still hold a connection to it (PostgreSQL 13+)
                            BackupTools.run(with(conn, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"), spec.env(), "psql");
                        } catch (BackupException older) {
                            BackupTools.run(with(conn, "DROP DATABASE IF EXISTS " + db), spec.env(), "psql");
                        }
                        dropped.add(db);
                    }
                }
                case BackupSpec.MySql my -> {
                    List<String> conn = List.of(BackupTools.mysqlClient(), "-h", my.host(), "-P", String.valueOf(my.port()),
                            "-u", my.user(), "-N", "-B", "-e");
                    String creating = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE DATABASE `" + prefix.replace("_", "\\_") + "%'";
                    for (int i = 0; i < 300 && !BackupTools.run(with(conn, creating), spec.env(), conn.get(0)).strip().equals("0"); i++) pause();
                    for (String db : BackupTools.run(with(conn, "SHOW DATABASES"), spec.env(), conn.get(0)).lines().map(String::strip).toList()) {
                        if (!scratchOf(db, prefix, startedAt)) continue;
                        BackupTools.run(with(conn, "DROP DATABASE IF EXISTS `" + db + "`"), spec.env(), conn.get(0));
                        dropped.add(db);
                    }
                }
                default -> { }
            }
        } catch (BackupException e) {
            problem = e.getMessage();
        }
        try {
            catalog.drilled(id, false, Json.write(Map.of("error", "interrupted: the berth daemon stopped during the drill")));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record the interrupted drill of #" + id, e);
        }
        return "the restore drill of " + spec.name() + " #" + id + " was interrupted by the berth daemon's end; "
                + (problem != null ? "its scratch database could not be looked for: " + problem
                : dropped.isEmpty() ? "it left no scratch database" : "its scratch database " + String.join(", ", dropped) + " was dropped");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> with(List<String> argv, String last) {
        List<String> out = new ArrayList<>(argv);
        out.add(last);
        return out;
    }

    /** A drill's scratch database of this run: the prefix, then the hex time it was made at, not before the drill began. */
    private static boolean scratchOf(String db, String prefix, long startedAt) {
        if (!db.startsWith(prefix)) return false;
        try {
            return Long.parseLong(db.substring(prefix.length()), 16) >= startedAt - 1000;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A restore of #id that a dead daemon left (the tools it ran were stopped with it, see the
     * daemon's LeftoverProcesses): a directory set aside is put back, or removed when the
     * restored one is already in its place, and the scratch copies go. Returns what the target is
     * now, as far as can be known, for the backup's events and an alert.
     */
    public String interruptedRestore(BackupSpec spec, long id, String to) {
        String head = "the restore of " + spec.name() + " #" + id + " into " + Restorer.describeTarget(spec, to)
                + " was interrupted by the berth daemon's end: ";
        return head + switch (spec.source()) {
            case BackupSpec.Postgres pg -> "pg_restore runs in one transaction, so the database is as it was unless the restore had"
                    + " just committed; check it, and run the restore again";
            case BackupSpec.MySql my -> "the dump is applied statement by statement, so the database may be partly restored;"
                    + " run the restore again";
            case BackupSpec.Mongo m -> "the database may be partly restored; run the restore again";
            case BackupSpec.Redis r -> "nothing was changed";
            case BackupSpec.Sqlite lite -> {
                Path target = to != null ? Path.of(to) : lite.file();
                FileTrees.deleteQuietly(target.resolveSibling("." + target.getFileName() + ".restoring"));
                yield "the file is replaced by one rename, so it is either as it was or fully restored; run the restore again to be sure";
            }
            case BackupSpec.Dir d -> {
                Path target = to != null ? Path.of(to) : d.dir();
                Path fresh = target.resolveSibling("." + target.getFileName() + ".restoring");
                Path old = target.resolveSibling("." + target.getFileName() + ".before-restore");
                String state;
                try {
                    if (Files.exists(old) && !Files.exists(target)) {
                        Files.move(old, target);
                        state = target + " was put back as it was before the restore; run the restore again";
                    } else if (Files.exists(old)) {
                        FileTrees.deleteQuietly(old);
                        state = target + " had been restored (the previous contents set aside were removed)";
                    } else {
                        state = target + " is as it was before the restore; run the restore again";
                    }
                } catch (IOException e) {
                    state = "its previous contents are in " + old + " and could not be put back: " + e.getMessage();
                }
                FileTrees.deleteQuietly(fresh);
                yield state;
            }
        };
    }
}
