package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `delete` forgets an app: a new app of the same name starts with no history. */
class DeleteIT extends BerthIT {
    private static final String MONITOR = """
            monitor:
              host: false
              restarts: { warning: 1, critical: 2 }
            """;

    @SuppressWarnings("unchecked")
    private Map<String, Object> appCheck() {
        BerthRun.Result r = berth.run("check", "app:web", "--json");
        List<Object> checks = (List<Object>) Json.readMap(r.out()).get("checks");
        return (Map<String, Object>) checks.get(0);
    }

    @Test void aNewAppOfADeletedNameHasNoneOfItsRestarts() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    run: sh -c 'exit 3'
                    max_restarts: 2
                    min_uptime: 5s
                    restart_delay: 100ms
                """ + MONITOR);
        berth.run("start");
        BerthRun.await("the crash loop ends", Duration.ofSeconds(20), () -> "errored".equals(berth.state("web", 0)));
        assertEquals("CRITICAL", appCheck().get("state"), "the crash loop counts against app:web: " + appCheck());

        berth.ok("delete", "web");
        berth.writeConfig("""
                apps:
                  web:
                    run: sleep 300
                    min_uptime: 200ms
                """ + MONITOR);
        berth.ok("start");
        Map<String, Object> check = appCheck();
        assertEquals("OK", check.get("state"), "the new web has not restarted: " + check);
        assertTrue(String.valueOf(check.get("message")).contains("0 restart(s)"), check.toString());
        String describe = berth.ok("describe", "web").out();
        assertFalse(describe.contains("exited with code 3"), "the events of the earlier web are gone: " + describe);
    }
}
