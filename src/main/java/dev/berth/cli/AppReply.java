package dev.berth.cli;

import dev.berth.text.Units;
import java.util.List;
import java.util.Map;

/** An app as the daemon shows it (GET /api/v1/apps, and with its recent events GET /api/v1/apps/{name}). */
record AppReply(String name, String desired, String command, String cwd, String envProfile, List<String> logFiles,
                List<Instance> instances, List<EventReply> events) {
    /** cpuPercent and memoryBytes are null until the process has been measured (a second after a start or an adoption). */
    record Instance(Long index, Long pid, String state, boolean adopted, Long uptimeMillis, Long startedAtMillis, Long restarts,
                    Number cpuPercent, Long memoryBytes, Long port, String reason, Long lastExitCode, String envChanges) {
        static Instance of(Reply i) {
            return new Instance(i.number("index"), i.number("pid"), i.string("state"), i.flag("adopted"), i.number("uptime_ms"),
                    i.number("started_at_ms"), i.number("restarts"), i.decimal("cpu_percent"), i.number("memory_bytes"), i.number("port"),
                    i.string("reason"), i.number("last_exit_code"), i.string("env_changes"));
        }

        /** "-" until the process has been measured, not 0. */
        String cpu() {
            return cpuPercent == null ? "-" : cpuPercent + "%";
        }

        String memory() {
            return memoryBytes == null ? "-" : Units.bytes(memoryBytes);
        }
    }

    static AppReply of(Reply a) {
        return new AppReply(a.string("name"), a.string("desired"), a.string("command"), a.string("cwd"), a.string("env_profile"),
                a.strings("log_files"), a.list("instances").stream().map(Instance::of).toList(),
                a.list("events").stream().map(EventReply::of).toList());
    }

    /** The apps of GET /api/v1/apps (its "apps" list). */
    static List<AppReply> listOf(List<?> apps) {
        return apps.stream().map(Reply::of).map(AppReply::of).toList();
    }

    /** The apps in GET /api/v1/apps's answer. */
    static List<AppReply> in(Map<String, Object> answer) {
        return answer.get("apps") instanceof List<?> l ? listOf(l) : List.of();
    }
}
