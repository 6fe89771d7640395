package dev.berth.api;

import dev.berth.store.StoredEvent;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** API values as JSON maps. Env values never appear here: only which keys changed. */
final class Views {
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
}
