package dev.berth.api;

import dev.berth.backup.BackupScheduler;
import dev.berth.config.BerthFile;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.monitor.CheckScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The berth.yml files requests name ("config", with the caller's "variables"). Each is read
 * through the daemon's one ConfigCache, so a request for a file the check scheduler or the backup
 * scheduler already reads pays for no second parse.
 */
public final class RequestConfigs {
    private final ConfigCache cache;
    private final CheckScheduler checks;
    private final BackupScheduler scheduler;

    public RequestConfigs(ConfigCache cache, CheckScheduler checks, BackupScheduler scheduler) {
        this.cache = cache;
        this.checks = checks;
        this.scheduler = scheduler;
    }

    /**
     * The one "a berth.yml was seen" call, made by the route table (ApiServer.postWithConfig) before
     * the handler of each route that takes a config: the check scheduler watches the file from then on, so its alert channels carry what this
     * request raises (a failed deploy or backup). Only an absolute path to a file there counts.
     */
    void seen(ApiServer.Request r) {
        String config = r.string("config");
        if (config == null) return;
        Path p = Path.of(config);
        if (p.isAbsolute() && Files.isRegularFile(p)) checks.watch(p, r.stringMap("variables"));
    }

    /**
     * The variables a berth.yml the daemon already watches is read with, or null for a file it
     * does not know. A dashboard session may act only on those: it cannot point the daemon at
     * another file (whose run: lines would run), and it has no shell whose variables to send.
     */
    Map<String, String> knownVariables(String config) {
        if (checks == null || config == null) return null;
        return checks.watchedFiles().get(Path.of(config).toAbsolutePath().normalize());
    }

    /** Every berth.yml the daemon watches, read as it is read there; a file that no longer loads is left out. */
    public Map<Path, BerthFile> known() {
        Map<Path, BerthFile> out = new java.util.LinkedHashMap<>();
        if (checks == null) return out;
        checks.watchedFiles().forEach((p, vars) -> {
            try {
                out.put(p, cache.load(p, vars));
            } catch (ConfigException e) {
                // the check scheduler reports it
            }
        });
        return out;
    }

    /** The file the request names, as it is now (the caller has checked that it names one). */
    BerthFile load(ApiServer.Request r) throws ConfigException {
        return cache.load(Path.of(r.string("config")), r.string("profile"), r.stringMap("variables"));
    }

    /** A file with scheduled backups or drills is the scheduler's to take care of from now on. */
    void scheduleBackups(BerthFile file, Map<String, String> variables) {
        if (file.backups().stream().anyMatch(b -> b.schedule() != null || b.drill() != null)) scheduler.watch(file.path(), variables);
    }

    /** As scheduleBackups, for a file the request's own work has just loaded (a problem with it is that work's to report). */
    void scheduleBackups(ApiServer.Request r) {
        if (r.string("config") == null) return;
        try {
            scheduleBackups(load(r), r.stringMap("variables"));
        } catch (ConfigException e) {
            // the request already said what is wrong with it
        }
    }
}
