package dev.berth.api;

import dev.berth.backup.BackupReconciler;
import dev.berth.backup.BackupRun;
import dev.berth.backup.BackupService;
import dev.berth.backup.RestoreRecord;
import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.SecretBox;
import dev.berth.files.Names;
import dev.berth.store.BackupCatalog;
import dev.berth.store.Operations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Backups over the API; the work is the BackupService's. */
public final class BackupControllers {
    private final BackupService service;
    private final BackupCatalog catalog;
    private final RequestConfigs configs;
    private final BackupReconciler reconciler;
    /** Restores and drills under way are recorded there: the next daemon cleans up after one its predecessor died in. */
    private final Operations operations;
    /** Seals the variables in those records. */
    private final SecretBox secrets;

    public BackupControllers(BackupService service, BackupCatalog catalog, RequestConfigs configs, BackupReconciler reconciler,
                             Operations operations, SecretBox secrets) {
        this.operations = operations;
        this.secrets = secrets;
        this.reconciler = reconciler;
        this.service = service;
        this.catalog = catalog;
        this.configs = configs;
    }

    /** GET /api/v1/backups/sources: what the dashboard can back up, verify and restore, with the file that declares each. */
    Object sources(ApiServer.Request r) {
        List<Object> out = new ArrayList<>();
        configs.known().forEach((path, file) -> {
            for (BackupSpec b : file.backups()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", b.name());
                m.put("kind", b.source().getClass().getSimpleName().toLowerCase());
                m.put("config", path.toString());
                m.put("schedule", b.schedule());
                out.add(m);
            }
        });
        return Map.of("sources", out);
    }

    /** POST /api/v1/backups/run: {config, names, variables}; returns when every named backup is done or failed. */
    Object run(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        if (config == null) throw new ApiError(400, "BAD_REQUEST", "missing \"config\": the berth.yml that declares the backups");
        BerthFile file = configs.load(r);
        configs.scheduleBackups(file, r.stringMap("variables"));
        List<BackupRun> results = service.run(file, r.strings("names"), "manual");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", results.stream().allMatch(BackupRun::ok));
        out.put("results", results.stream().map(Views::backupRun).toList());
        return out;
    }

    /** POST /api/v1/backups/verify: {config, target (id or name), restore, offsite}. */
    Object verify(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        String target = r.string("target");
        if (target == null) throw new ApiError(400, "BAD_REQUEST", "missing \"target\": a backup id or name");
        boolean restore = Boolean.TRUE.equals(r.body().get("restore"));
        boolean offsite = Boolean.TRUE.equals(r.body().get("offsite"));
        if (restore && config == null) throw new ApiError(400, "BAD_REQUEST", "a restore drill needs the berth.yml that declares the backup");
        if (offsite && config == null) throw new ApiError(400, "BAD_REQUEST", "reading an off-site copy needs the berth.yml that declares the backup");
        BerthFile file = config == null ? new BerthFile(Path.of("/dev/null"), List.of())
                : configs.load(r);
        if (!restore) return Views.verification(service.verify(file, target, false, offsite));
        BackupCatalog.Entry e = target.matches("\\d+") ? catalog.get(Long.parseLong(target)).orElse(null)
                : catalog.list(target, 1000).stream().filter(x -> x.local() || x.offsite()).findFirst().orElse(null);
        if (e == null) return Views.verification(service.verify(file, target, true, offsite)); // it says what is wrong
        return Views.verification(operations.during("drill", "backup:" + e.name(), new RestoreRecord(Path.of(config), r.stringMap("variables"), e.id(), null).write(secrets),
                () -> service.verify(file, target, true, offsite)));
    }

    /** POST /api/v1/backups/restore: {config, id, to, confirmed, no_safety_backup, offsite}; unconfirmed, it only says what it would overwrite. */
    Object restore(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        if (config == null) throw new ApiError(400, "BAD_REQUEST", "a restore needs the berth.yml that declares the backup");
        long id = service.archive(r.string("id")).id(); // a catalog id, or refused with the list
        BerthFile file = configs.load(r);
        boolean confirmed = Boolean.TRUE.equals(r.body().get("confirmed"));
        boolean safety = !Boolean.TRUE.equals(r.body().get("no_safety_backup"));
        boolean offsite = Boolean.TRUE.equals(r.body().get("offsite"));
        BackupCatalog.Entry e = catalog.get(id).orElse(null);
        if (!confirmed || e == null) return Views.restore(service.restore(file, id, r.string("to"), confirmed, safety, offsite));
        return Views.restore(operations.during("restore", "backup:" + e.name(), new RestoreRecord(Path.of(config), r.stringMap("variables"), id, r.string("to")).write(secrets),
                () -> service.restore(file, id, r.string("to"), true, safety, offsite)));
    }

    /** POST /api/v1/backups/prune: {config, names, dry_run}. */
    Object prune(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        if (config == null) throw new ApiError(400, "BAD_REQUEST", "pruning needs the berth.yml that declares the backups and their retention");
        BerthFile file = configs.load(r);
        boolean dry = Boolean.TRUE.equals(r.body().get("dry_run"));
        return Map.of("dry_run", dry, "removed", Views.prunedArchives(service.prune(file, r.strings("names"), dry)));
    }

    /** GET /api/v1/backups and /api/v1/backups/{name}: the catalog, newest first. */
    Object list(ApiServer.Request r) {
        String name = r.pathParams().isEmpty() ? null : Names.requireListed("backup", "in the backup catalog", r.param(0), catalog.names());
        List<Object> out = new ArrayList<>();
        for (BackupCatalog.Entry e : catalog.list(name, 500)) out.add(Views.archive(e));
        List<Object> unknown = new ArrayList<>();
        for (var f : reconciler.unknownFiles(name)) unknown.add(Views.unknownFile(f));
        return Map.of("backups", out, "unknown_files", unknown);
    }
}
