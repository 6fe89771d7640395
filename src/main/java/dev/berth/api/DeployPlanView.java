package dev.berth.api;

import dev.berth.deploy.DeployPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A deploy plan as JSON, the keys in the order `berth deploy --dry-run --json` has always printed them. */
final class DeployPlanView {
    private DeployPlanView() { }

    static Map<String, Object> of(DeployPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", p.app());
        m.put("path", p.path().toString());
        m.put("source", p.source());
        m.put("live_release", p.liveRelease());
        if (p.git() != null) {
            m.put("ref", p.git().ref());
            m.put("commit", p.git().commit());
            m.put("live_commit", p.git().liveCommit());
            m.put("commits", p.git().commits());
            if (p.git().note() != null) m.put("note", p.git().note());
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (DeployPlan.PlannedStep s : p.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", s.step());
            step.put("command", s.command());
            step.put("timeout", s.timeout());
            if (s.skipped() != null) step.put("skipped", s.skipped());
            steps.add(step);
        }
        m.put("steps", steps);
        m.put("before_switch", p.beforeSwitch());
        m.put("after_switch", p.afterSwitch());
        m.put("backups", p.backups());
        m.put("preflight", p.preflight());
        m.put("restart", p.restart());
        m.put("health_gate", p.healthGate());
        m.put("prune", p.prune());
        return m;
    }
}
