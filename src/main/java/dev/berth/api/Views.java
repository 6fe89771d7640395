package dev.berth.api;

import dev.berth.backup.BackupReconciler;
import dev.berth.backup.BackupRestore;
import dev.berth.backup.BackupRun;
import dev.berth.backup.BackupVerification;
import dev.berth.backup.OffsiteRetry;
import dev.berth.backup.PrunedArchive;
import dev.berth.config.CheckSpec;
import dev.berth.json.Json;
import dev.berth.monitor.CheckReport;
import dev.berth.monitor.CheckRunner;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.store.BackupCatalog;
import dev.berth.store.CheckRecords;
import dev.berth.store.Deployments;
import dev.berth.store.StoredEvent;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.supervisor.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping of what the services return (records, store rows) to the API's JSON maps: the
 * handlers only pick what to show. The CLI and scripts read these back, so a key's name and place
 * do not change. Env values never appear here: only which keys changed.
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
        m.put("env_keys", a.envKeys());
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

    /** An event with what it is of (an app or backup:NAME), as GET /api/v1/events lists them. */
    static Map<String, Object> targetedEvent(StoredEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", e.app());
        m.putAll(event(e));
        return m;
    }

    /** {ok, results: [{app, ok, message, details}]}: what start, stop, restart, reload, delete and resurrect did. */
    static Map<String, Object> outcomes(List<Outcome> outcomes) {
        List<Object> list = new ArrayList<>();
        boolean ok = true;
        for (Outcome o : outcomes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app", o.app());
            m.put("ok", o.ok());
            m.put("message", o.message());
            m.put("details", o.details());
            list.add(m);
            ok &= o.ok();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", ok);
        out.put("results", list);
        return out;
    }

    static Map<String, Object> bucket(CheckRecords.Bucket b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.ofEpochMilli(b.at()).toString());
        m.put("ok", b.ok());
        m.put("total", b.total());
        return m;
    }

    /** A check as GET /api/v1/checks lists it (its since, last run and uptime are added there). */
    static Map<String, Object> check(CheckSpec spec, CheckState state, ProbeResult last) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", spec.name());
        c.put("kind", spec.kind());
        c.put("built_in", spec.builtIn());
        c.put("state", state.name());
        c.put("value", last == null ? null : last.value());
        c.put("unit", last == null ? null : last.unit());
        c.put("message", last == null ? "not run yet" : last.message());
        c.put("latency_ms", last == null ? null : last.latencyMillis());
        c.put("interval_ms", spec.interval().toMillis());
        return c;
    }

    /** A check's settings as the daemon runs it (GET /api/v1/monitor). */
    static Map<String, Object> checkSetup(CheckSpec spec) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", spec.name());
        c.put("kind", spec.kind());
        c.put("built_in", spec.builtIn());
        c.put("interval_ms", spec.interval().toMillis());
        c.put("timeout_ms", spec.timeout().toMillis());
        c.put("failures", spec.failures());
        c.put("channels", spec.channels());
        CheckSpec.Limits l = CheckSpec.limitsOf(spec.probe());
        c.put("warning", l.warning());
        c.put("critical", l.critical());
        return c;
    }

    static Map<String, Object> alert(CheckRecords.AlertRecord a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("at", Instant.ofEpochMilli(a.at()).toString());
        m.put("subject", a.subject());
        m.put("state", a.state());
        m.put("value", a.value());
        m.put("threshold", a.threshold());
        m.put("since", a.since() == null ? null : Instant.ofEpochMilli(a.since()).toString());
        m.put("message", a.message());
        m.put("delivery", a.delivery());
        m.put("channels", a.channels() == null ? List.of() : Json.readList(a.channels()));
        m.put("error", a.error());
        return m;
    }

    static Map<String, Object> silence(CheckRecords.Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("target", s.target());
        m.put("until", Instant.ofEpochMilli(s.until()).toString());
        m.put("reason", s.reason());
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

    /** An archive of the backup catalog, as GET /api/v1/backups lists it. */
    static Map<String, Object> archive(BackupCatalog.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("name", e.name());
        m.put("kind", e.kind());
        m.put("state", e.state());
        m.put("trigger", e.trigger());
        m.put("safety", e.safety()); // a restore took it of the state it overwrote; retention keeps it apart (see Retention)
        m.put("started_at_ms", e.startedAt());
        m.put("finished_at_ms", e.finishedAt());
        m.put("duration_ms", e.finishedAt() == null ? null : e.finishedAt() - e.startedAt());
        m.put("file", e.file());
        m.put("bytes", e.bytes());
        m.put("sha256", e.sha256());
        m.put("compress", e.compress());
        m.put("tool_version", e.toolVersion());
        m.put("server_version", e.serverVersion());
        m.put("error", e.error());
        m.put("drill", e.drillState() == null ? "never" : e.drillState());
        m.put("offsite", e.offsiteState() == null ? "-" : e.offsiteState());
        m.put("offsite_key", e.offsiteKey());
        m.put("offsite_error", e.offsiteError());
        m.put("drill_at_ms", e.drillAt());
        if (e.drillResult() != null) m.put("drill_result", Json.readMap(e.drillResult()));
        return m;
    }

    /** A file in a backup directory the catalog does not know. */
    static Map<String, Object> unknownFile(BackupReconciler.UnknownFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.backup());
        m.put("file", f.file().toString());
        m.put("bytes", f.bytes());
        m.put("modified_at_ms", f.modifiedAt());
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
        if (v.drill() != null) m.put("drill", v.drill().fields());
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

    /** A deployment as GET /api/v1/deployments lists it. */
    static Map<String, Object> deployment(Deployments.Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("app", d.app());
        m.put("kind", d.kind());
        m.put("state", d.state());
        m.put("release", d.release());
        m.put("previous_release", d.previousRelease());
        m.put("ref", d.ref());
        m.put("commit", d.commit());
        m.put("who", d.who());
        m.put("started_at_ms", d.startedAt());
        m.put("finished_at_ms", d.finishedAt());
        m.put("duration_ms", d.finishedAt() == null ? null : d.finishedAt() - d.startedAt());
        m.put("failed_step", d.failedStep());
        m.put("message", d.message());
        m.put("options", Json.readMap(d.optionsJson()));
        m.put("backup", d.backupId());
        return m;
    }

    /** A deployment with its steps, as GET /api/v1/deployments/{id} shows it. */
    static Map<String, Object> deployment(Deployments.Deployment d, List<Deployments.Step> steps) {
        Map<String, Object> out = deployment(d);
        List<Object> shown = new ArrayList<>();
        for (Deployments.Step s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", s.seq());
            m.put("name", s.name());
            m.put("command", s.command());
            m.put("state", s.state());
            m.put("started_at_ms", s.startedAt());
            m.put("finished_at_ms", s.finishedAt());
            m.put("duration_ms", s.finishedAt() == null ? null : s.finishedAt() - s.startedAt());
            m.put("log", s.logPath());
            m.put("message", s.message());
            shown.add(m);
        }
        out.put("steps", shown);
        return out;
    }

    /** An app's releases, newest first, and which one is live (GET /api/v1/apps/{name}/releases). */
    static Map<String, Object> releases(String app, String live, List<Deployments.Release> releases) {
        List<Object> out = new ArrayList<>();
        for (Deployments.Release rel : releases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", rel.id());
            m.put("live", rel.id().equals(live));
            m.put("state", rel.state());
            m.put("commit", rel.commit());
            m.put("ref", rel.ref());
            m.put("created_at_ms", rel.createdAt());
            m.put("path", rel.path());
            m.put("on_disk", Files.isDirectory(Path.of(rel.path())));
            m.put("deployment", rel.deploymentId());
            out.add(m);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("app", app);
        res.put("live", live);
        res.put("releases", out);
        return res;
    }

    static Map<String, Object> site(dev.berth.frontdoor.FrontDoor.SiteState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", s.site());
        m.put("domains", s.domains());
        m.put("tls", s.tls());
        m.put("certificate_expires", s.certificateExpires());
        List<Map<String, Object>> routes = new ArrayList<>();
        for (var r : s.routes()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("path", r.path());
            rm.put("app", r.app());
            rm.put("static", r.root());
            rm.put("upstreams", r.upstreams().stream().map(u -> Map.<String, Object>of("port", u.port(), "up", u.up())).toList());
            routes.add(rm);
        }
        m.put("routes", routes);
        return m;
    }

    static Map<String, Object> certificate(dev.berth.frontdoor.FrontDoor.CertificateState c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", c.site());
        m.put("domains", c.domains());
        m.put("tls", c.kind());
        m.put("not_after", c.notAfter());
        m.put("days_left", c.daysLeft());
        m.put("subject", c.subject());
        m.put("last_error", c.lastError());
        m.put("next_attempt", c.nextAttempt());
        return m;
    }
}
