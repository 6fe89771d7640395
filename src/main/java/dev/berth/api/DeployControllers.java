package dev.berth.api;

import dev.berth.deploy.DeployException;
import dev.berth.deploy.DeployRequest;
import dev.berth.deploy.Deployer;
import dev.berth.files.Names;
import dev.berth.store.Deployments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Deploys, rollbacks and their history over the API; the work is the Deployer's. */
public final class DeployControllers {
    private final Deployer deployer;
    private final Deployments records;

    public DeployControllers(Deployer deployer, Deployments records) {
        this.deployer = deployer;
        this.records = records;
    }

    /** POST /api/v1/deploy: {app, config?, profile?, variables?, ref?, skip_tests, skip_build, no_backup, force, quick, dry_run, who}. */
    Object deploy(ApiServer.Request r) throws Exception {
        String app = required(r, "app");
        DeployRequest req = request(r);
        try {
            if (flag(r, "dry_run")) return Map.of("plan", DeployPlanView.of(deployer.plan(app, req)));
            return Map.of("id", deployer.deploy(app, req));
        } catch (DeployException e) {
            throw new ApiError(409, "DEPLOY_REFUSED", e.getMessage());
        }
    }

    /** POST /api/v1/rollback: {app, release?, with_data, config?, who}. */
    Object rollback(ApiServer.Request r) throws Exception {
        String app = required(r, "app");
        DeployRequest req = request(r);
        String release = r.string("release"); // checked against the listed releases by the deployer, never used as a path here
        try {
            return Map.of("id", deployer.rollback(app, req, release, flag(r, "with_data")));
        } catch (DeployException e) {
            throw new ApiError(409, "DEPLOY_REFUSED", e.getMessage());
        }
    }

    /** GET /api/v1/deployments and /api/v1/apps/{name}/deployments: newest first. */
    Object list(ApiServer.Request r) {
        String app = r.pathParams().isEmpty() ? null : r.param(0);
        List<Object> out = new ArrayList<>();
        for (Deployments.Deployment d : records.list(app, 100)) out.add(Views.deployment(d));
        return Map.of("deployments", out);
    }

    /** GET /api/v1/deployments/{id}: the deployment with its steps. */
    Object show(ApiServer.Request r) {
        String given = r.param(0);
        Deployments.Deployment d = given.matches("[0-9]{1,18}") ? records.get(Long.parseLong(given)).orElse(null) : null;
        if (d == null) {
            throw Names.unknown("deployment", null, given, records.list(null, 20).stream().map(x -> String.valueOf(x.id())).toList());
        }
        return Views.deployment(d, records.steps(d.id()));
    }

    /** GET /api/v1/apps/{name}/releases: newest first, with which one is live. */
    Object releases(ApiServer.Request r) throws Exception {
        String app = r.param(0);
        String live = deployer.liveRelease(app).orElse(null);
        return Views.releases(app, live, records.releases(app));
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
