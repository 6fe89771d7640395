package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status table from the API's values. */
class StatusCommandTest {
    private static Map<String, Object> app(Object cpu, Object memory) {
        Map<String, Object> i = new HashMap<>();
        i.put("index", 0);
        i.put("pid", 4242);
        i.put("state", "starting");
        i.put("uptime_ms", 20);
        i.put("restarts", 0);
        i.put("cpu_percent", cpu);
        i.put("memory_bytes", memory);
        i.put("port", null);
        i.put("adopted", false);
        return Map.of("name", "web", "desired", "running", "instances", List.of(i));
    }

    private static List<String> row(String table) {
        return List.of(table.lines().toList().get(1).trim().split("\\s+"));
    }

    @Test void cpuAndMemoryNotSampledYetShowADashNotZero() {
        List<String> row = row(StatusCommand.render(List.of(app(null, null))));
        assertEquals("-", row.get(6), "CPU: " + row);
        assertEquals("-", row.get(7), "MEM: " + row);
    }

    @Test void sampledValuesAreShown() {
        List<String> row = row(StatusCommand.render(List.of(app(1.5, 3L << 20))));
        assertEquals("1.5%", row.get(6), row.toString());
        assertEquals("3.0M", row.get(7), row.toString());
    }
}
