package dev.berth.api;

import dev.berth.config.AppSpec;
import dev.berth.config.RecordedConfig;
import dev.berth.deploy.DeployException;
import dev.berth.deploy.DeployRequest;
import dev.berth.deploy.Deployer;
import dev.berth.files.Names;
import dev.berth.json.Json;
import dev.berth.store.Deployments;
import dev.berth.supervisor.AppCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deploys, rollbacks and their history over the API; the work is the Deployer's. */
public final class DeployControllers {
    private final AppCatalog catalog;
    private final Deployer deployer;
    private final Deployments records;
    private final RequestConfigs configs;

    public DeployControllers(AppCatalog catalog, Deployer deployer, Deployments records, RequestConfigs configs) {
        this.catalog = catalog;
        this.deployer = deployer;
        this.records = records;
        this.configs = configs;
    }

    /** POST /api/v1/deploy: {app, config?, profile?, variables?, ref?, skip_tests, skip_build, no_backup, force, quick, dry_run, who}. */
    Object deploy(ApiServer.Request r) throws Exception {
        configs.seen(r);
        String app = required(r, "app");
        DeployRequest req = request(r);
        AppSpec spec = catalog.deployable(req.config(), app, req.profile(), req.variables());
        try {
            if (flag(r, "dry_run")) return Map.of("plan", DeployPlanView.of(deployer.plan(spec, req)));
            return Map.of("id", deployer.deploy(spec, withConfig(req, app)));
        } catch (DeployException e) {
            throw new ApiError(409, "DEPLOY_REFUSED", e.getMessage());
        }
    }

    /** POST /api/v1/rollback: {app, release?, with_data, config?, who}. */
    Object rollback(ApiServer.Request r) throws Exception {
        configs.seen(r);
        String app = required(r, "app");
        DeployRequest req = request(r);
        AppSpec spec = catalog.deployable(req.config(), app, req.profile(), req.variables());
        String release = r.string("release"); // checked against the listed releases by the deployer, never used as a path here
        try {
            return Map.of("id", deployer.rollback(spec, withConfig(req, app), release, flag(r, "with_data")));
        } catch (DeployException e) {
            throw new ApiError(409, "DEPLOY_REFUSED", e.getMessage());
        }
    }

    /** GET /api/v1/deployments and /api/v1/apps/{name}/deployments: newest first. */
    Object list(ApiServer.Request r) {
        String app = r.pathParams().isEmpty() ? null : r.param(0);
        List<Object> out = new ArrayList<>();
        for (Deployments.Deployment d : records.list(app, 100)) out.add(view(d));
        return Map.of("deployments", out);
    }

    /** GET /api/v1/deployments/{id}: the deployment with its steps. */
    Object show(ApiServer.Request r) {
        String given = r.param(0);
        Deployments.Deployment d = given.matches("[0-9]{1,18}") ? records.get(Long.parseLong(given)).orElse(null) : null;
        if (d == null) {
            throw Names.unknown("deployment", null, given, records.list(null, 20).stream().map(x -> String.valueOf(x.id())).toList());
        }
        long id = d.id();
        Map<String, Object> out = view(d);
        List<Object> steps = new ArrayList<>();
        for (Deployments.Step s : records.steps(id)) {
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
            steps.add(m);
        }
        out.put("steps", steps);
        return out;
    }

    /** GET /api/v1/apps/{name}/releases: newest first, with which one is live. */
    Object releases(ApiServer.Request r) throws Exception {
        String app = r.param(0);
        AppSpec spec = catalog.deployable(catalog.registeredConfig(app), app, null, Map.of());
        String live = spec.deploy() == null ? null : Deployer.currentRelease(spec.deploy()).orElse(null);
        List<Object> out = new ArrayList<>();
        for (Deployments.Release rel : records.releases(app)) {
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

    private static Map<String, Object> view(Deployments.Deployment d) {
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

    private DeployRequest withConfig(DeployRequest req, String app) {
        if (req.config() != null) return req;
        Path registered = catalog.registeredConfig(app);
        // After a rollback the app runs on a release's recorded copy; a new deploy reads the real berth.yml.
        if (registered != null) registered = RecordedConfig.of(registered, null).map(r -> r.original()).orElse(registered);
        return new DeployRequest(registered, req.profile(), req.variables(), req.ref(), req.skipTests(), req.skipBuild(),
                req.noBackup(), req.force(), req.quick(), req.who());
    }

    private static DeployRequest request(ApiServer.Request r) {
        String config = r.string("config");
        String who = r.string("who");
        return new DeployRequest(config == null ? null : Path.of(config), r.string("profile"), r.stringMap("variables"), r.string("ref"),
                flag(r, "skip_tests"), flag(r, "skip_build"), flag(r, "no_backup"), flag(r, "force"), flag(r, "quick"),
                who == null || who.isBlank() ? "unknown" : who);
    }

    private static boolean flag(ApiServer.Request r, String key) {
        return Boolean.TRUE.equals(r.body().get(key)) || "true".equals(r.string(key));
    }

    private static String required(ApiServer.Request r, String key) {
        String v = r.string(key);
        if (v == null || v.isBlank()) throw new ApiError(400, "BAD_REQUEST", "missing \"" + key + "\"");
        return v;
    }
}
