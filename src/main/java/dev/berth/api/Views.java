package dev.berth.api;

import dev.berth.backup.BackupRestore;
import dev.berth.backup.BackupRun;
import dev.berth.backup.BackupVerification;
import dev.berth.backup.OffsiteRetry;
import dev.berth.backup.PrunedArchive;
import dev.berth.monitor.CheckReport;
import dev.berth.monitor.CheckRunner;
import dev.berth.store.StoredEvent;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping of service results to the API's JSON maps (the CLI reads them back, so a key's
 * name and place do not change). Env values never appear here: only which keys changed.
 */
public final class Views {
    private Views() { }

    static Map<String, Object> app(AppStatus a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("desired", a.desired());
        m.put("env_profile", a.envProfile());
        m.put("command", a.command());
        m.put("cwd", a.cwd());
        m.put("log_files", a.logFiles());
        List<Object> is = new ArrayList<>();
        for (InstanceStatus i : a.instances()) is.add(instance(i));
        m.put("instances", is);
        return m;
    }

    static Map<String, Object> instance(InstanceStatus i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", i.index());
        m.put("pid", i.pid());
        m.put("state", i.state());
        m.put("uptime_ms", i.uptimeMillis());
        m.put("started_at_ms", i.startedAtMillis());
        m.put("restarts", i.restarts());
        // null until the watcher has measured the process (a start, an adoption): unknown, not 0
        m.put("cpu_percent", i.cpuPercent() == null ? null : Math.round(i.cpuPercent() * 10) / 10.0);
        m.put("memory_bytes", i.memoryBytes());
        m.put("port", i.port());
        m.put("adopted", i.adopted());
        m.put("reason", i.reason());
        m.put("last_exit_code", i.lastExitCode());
        m.put("env_changes", i.envChanges());
        return m;
    }

    static Map<String, Object> event(StoredEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at_ms", e.at());
        m.put("instance", e.index());
        m.put("kind", e.kind());
        m.put("message", e.message());
        return m;
    }

    /** {health, checks: [...], alerted?}: `berth check`'s answer, from the daemon or run in the CLI. */
    public static Map<String, Object> checkReport(CheckReport r) {
        List<Object> checks = new ArrayList<>();
        for (CheckRunner.Outcome o : r.checks()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", o.spec().name());
            c.put("kind", o.spec().kind());
            c.put("built_in", o.spec().builtIn());
            c.put("state", o.result().state().name());
            c.put("value", o.result().value());
            c.put("unit", o.result().unit());
            c.put("message", o.result().message());
            c.put("latency_ms", o.result().latencyMillis());
            checks.add(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("health", r.health().name());
        m.put("checks", checks);
        if (r.alerted() != null) m.put("alerted", r.alerted());
        return m;
    }

    static Map<String, Object> backupRun(BackupRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        if (r.id() != null) m.put("id", r.id());
        m.put("ok", r.ok());
        BackupRun.Archive a = r.archive();
        if (a != null) {
            m.put("file", a.file());
            m.put("bytes", a.bytes());
            m.put("sha256", a.sha256());
            m.put("duration_ms", a.durationMillis());
            m.put("tool_version", a.toolVersion());
            m.put("server_version", a.serverVersion());
        }
        if (r.offsite() != null) m.put("offsite", r.offsite());
        if (!r.offsiteRetried().isEmpty()) m.put("offsite_retried", r.offsiteRetried().stream().map(Views::offsiteRetry).toList());
        if (!r.offsitePruned().isEmpty()) m.put("offsite_pruned", prunedArchives(r.offsitePruned()));
        if (r.error() != null) m.put("error", r.error());
        if (!r.pruned().isEmpty()) m.put("pruned", prunedArchives(r.pruned()));
        return m;
    }

    private static Map<String, Object> offsiteRetry(OffsiteRetry r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        if (r.ok()) m.put("key", r.key());
        m.put("ok", r.ok());
        if (!r.ok()) m.put("error", r.error());
        return m;
    }

    static List<Object> prunedArchives(List<PrunedArchive> pruned) {
        List<Object> out = new ArrayList<>();
        for (PrunedArchive p : pruned) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("name", p.name());
            m.put(p.offsite() ? "offsite" : "file", p.location());
            if (p.error() != null) m.put("error", p.error());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> verification(BackupVerification v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("name", v.name());
        m.put("file", v.file());
        if (v.offsite() != null) m.put("offsite", v.offsite());
        if (v.checksum() != null) m.put("checksum", v.checksum());
        if (v.drill() != null) m.put("drill", v.drill());
        m.put("ok", v.ok());
        if (v.error() != null) m.put("error", v.error());
        return m;
    }

    static Map<String, Object> restore(BackupRestore r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("file", r.file());
        m.put("overwrites", r.overwrites());
        m.put("safety_backup", r.safetyBackup());
        if (r.safety() != null) m.put("safety", backupRun(r.safety()));
        m.put("ok", r.ok());
        if (r.confirm()) m.put("confirm", true);
        if (r.error() != null) m.put("error", r.error());
        return m;
    }
}
