package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One exit code per kind of outcome, whatever the command: the table `berth --help` and the README show. */
class ExitCodesIT extends BerthIT {

    @Test void noSuchThingExits4Everywhere() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(tmp.resolve("backups"));
        berth.writeConfig("""
                apps:
                  web:
                    run: sleep 300
                    deploy:
                      path: %s
                      dir: %s
                backups:
                  files:
                    dir: %s
                    to: %s
                checks:
                  up:
                    tcp: "127.0.0.1:1"
                """.formatted(tmp.resolve("srv/web"), src, src, tmp.resolve("backups")));
        Files.writeString(berth.project.resolve("docker-compose.yml"), "services:\n  web:\n    image: localhost/web:1\n");
        for (List<String> cmd : List.of(
                List.of("backup", "run", "nosuch"),
                List.of("backup", "verify", "999"),
                List.of("backup", "verify", "nosuch"),
                List.of("backup", "restore", "999", "--yes"),
                List.of("check", "nosuch"),
                List.of("alert", "test", "nosuch"),
                List.of("deployments", "show", "999"),
                List.of("deploy", "nosuch"),
                List.of("rollback", "web", "20990101-000000"),
                List.of("status", "nosuch"),
                List.of("describe", "nosuch"),
                List.of("logs", "nosuch"),
                List.of("stop", "nosuch"),
                List.of("start", "-c", "nosuch.yml"),
                List.of("validate", "nosuch.yml"),
                List.of("import-pm2", "nosuch.config.js"),
                List.of("import-compose", "nosuch.yml"),
                List.of("import-compose", "docker-compose.yml", "-f", "nosuch.override.yml"))) {
            BerthRun.Result r = berth.run(cmd.toArray(String[]::new));
            assertEquals(4, r.exit(), "berth " + String.join(" ", cmd) + ": " + r);
            assertTrue(r.err().contains("nosuch") || r.err().contains("999") || r.err().contains("20990101"),
                    "the message names what was not found: " + r);
        }
    }

    @Test void importPm2WithAnExistingOutputIsAnArgumentProblem() throws Exception {
        Files.writeString(berth.project.resolve("ecosystem.json"), "{\"apps\": [{\"name\": \"web\", \"script\": \"server.js\"}]}");
        Files.writeString(berth.project.resolve("berth.yml"), "# mine\n");
        BerthRun.Result r = berth.run("import-pm2", "ecosystem.json");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("already exists") && r.err().contains("--force"), r.toString());
        assertEquals("# mine\n", Files.readString(berth.project.resolve("berth.yml")));
        assertEquals(0, berth.run("import-pm2", "ecosystem.json", "--force").exit());
    }

    @Test void importComposeWithAnExistingOutputIsAnArgumentProblemAndABadFileAConfigProblem() throws Exception {
        Files.writeString(berth.project.resolve("docker-compose.yml"), "services:\n  web:\n    image: localhost/web:1\n    networks: [x]\n");
        Files.writeString(berth.project.resolve("berth.yml"), "# mine\n");
        BerthRun.Result r = berth.run("import-compose", "docker-compose.yml");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("already exists") && r.err().contains("--force"), r.toString());
        assertEquals("# mine\n", Files.readString(berth.project.resolve("berth.yml")));
        r = berth.run("import-compose", "docker-compose.yml", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("note: docker-compose.yml:4: services.web.networks: not mapped") && r.err().contains("check it with: berth validate"), r.toString());

        Files.writeString(berth.project.resolve("docker-compose.yml"), "services:\n  a:\n    image: x\n    depends_on: [a]\n");
        r = berth.run("import-compose", "docker-compose.yml", "--force");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("docker-compose.yml:4: services.a.depends_on: the services depend on each other in a circle: a -> a"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test void theHelpListsEveryCode() {
        String help = berth.ok("--help").out();
        for (String line : List.of("0  done", "1  the operation ran and did not succeed", "2  bad flags or arguments",
                "3  berth.yml (or another input file) has problems", "4  no such thing", "5  the daemon could not be reached")) {
            assertTrue(help.contains(line), "berth --help must list \"" + line + "\":\n" + help);
        }
        assertTrue(help.contains("release") && help.contains("backup") && help.contains("check"), "4 names what it covers:\n" + help);
    }
}
