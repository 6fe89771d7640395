package dev.berth.cli;

import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `berth restart` applies today's berth.yml and env_file, and describe names the env keys that changed, never their values. */
class RestartIT extends BerthIT {
    private static final String CONFIG = """
            apps:
              web:
                script: $TESTAPPS/http_app.py
                port: %d
                env_file: .env
                env: { APP_VERSION: %s, PRINT_ENV: "GREETING,EXTRA" }
                ready: { port: true, timeout: 10s }
            """;

    /** The part of the stdout log written by the latest process. */
    private String latestRun() {
        String log = berth.log("web", 0, "out");
        int at = log.lastIndexOf("http_app started");
        assertTrue(at >= 0, "no start in the log: " + log);
        return log.substring(at);
    }

    @Test void restartUsesTheCurrentBerthYmlAndEnvFileAndDescribeNamesTheChangedKeysOnly() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig(CONFIG.formatted(port, "one"));
        Files.writeString(berth.project.resolve(".env"), "GREETING=hello-first-value\n");
        berth.ok("start");
        long before = berth.pid("web", 0);
        assertTrue(latestRun().contains("GREETING=hello-first-value"), latestRun());
        assertTrue(httpGet(port, "/").contains("version=one"));

        Files.writeString(berth.project.resolve(".env"), "GREETING=hello-second-value\nEXTRA=extra-added-value\n");
        berth.writeConfig(CONFIG.formatted(port, "two"));
        BerthRun.Result restart = berth.run("restart", "web");
        assertEquals(0, restart.exit(), restart.toString());

        assertNotEquals(before, berth.pid("web", 0).longValue());
        String run = latestRun();
        assertTrue(run.contains("GREETING=hello-second-value"), "the new env_file value must reach the app: " + run);
        assertTrue(run.contains("EXTRA=extra-added-value"), "the added env_file key must reach the app: " + run);
        assertTrue(httpGet(port, "/").contains("version=two"), "the new berth.yml env must reach the app");

        BerthRun.Result describe = berth.ok("describe", "web");
        String envLine = describe.out().lines().filter(l -> l.contains("env changed")).findFirst()
                .orElseThrow(() -> new AssertionError("no env changed line: " + describe));
        assertTrue(envLine.contains("+EXTRA"), envLine);
        assertTrue(envLine.contains("~GREETING"), envLine);
        assertTrue(envLine.contains("~APP_VERSION"), envLine);
        assertFalse(envLine.contains("PRINT_ENV"), "an unchanged key is not a change: " + envLine);
        BerthRun.Result json = berth.ok("describe", "web", "--json");
        for (String secret : new String[] {"hello-first-value", "hello-second-value", "extra-added-value"}) {
            assertFalse(describe.all().contains(secret), "describe shows an env value: " + describe);
            assertFalse(json.all().contains(secret), "describe --json shows an env value: " + json);
        }
    }

    /**
     * A crash restart reads berth.yml and env_file again: a changed env_file reaches the new
     * process, an unchanged one keeps its values (the daemon reuses its last parse only while
     * every byte of both files is the same), and a later change is seen again.
     */
    @Test void crashRestartsPickUpEnvFileChangesEachTime() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig(CONFIG.formatted(port, "one"));
        Files.writeString(berth.project.resolve(".env"), "GREETING=crash-first\n");
        berth.ok("start");
        assertTrue(latestRun().contains("GREETING=crash-first"), latestRun());

        String[] values = {"crash-second", "crash-second", "crash-third"};
        for (String value : values) {
            Files.writeString(berth.project.resolve(".env"), "GREETING=" + value + "\n");
            long before = berth.pid("web", 0);
            BerthRun.killGroup(before, "KILL");
            BerthRun.await("a new web process after kill -9", java.time.Duration.ofSeconds(20), () -> {
                Long now = berth.pid("web", 0);
                return now != null && now != before && "running".equals(berth.state("web", 0));
            });
            BerthRun.await("the new process's start in the log", java.time.Duration.ofSeconds(10),
                    () -> latestRun().contains("GREETING="));
            assertTrue(latestRun().contains("GREETING=" + value), "after the crash the app must see " + value + ": " + latestRun());
        }
    }
}
