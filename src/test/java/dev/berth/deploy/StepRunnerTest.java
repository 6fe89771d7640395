package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.exec.Command;
import dev.berth.exec.Environment;
import dev.berth.exec.Input;
import dev.berth.exec.Output;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepRunnerTest {
    @Test
    void aStepIsTheUsersLineInAShellWithOnlyItsEnvironmentAndItsLog() {
        Command c = StepRunner.command("npm ci && npm run build", Path.of("/srv/app/releases/r1"), Map.of("PATH", "/usr/bin"),
                Path.of("/srv/app/logs/build.log"), Duration.ofMinutes(10));
        assertEquals(new Command(List.of("/bin/sh", "-c", "npm ci && npm run build"), Path.of("/srv/app/releases/r1"),
                Environment.only(Map.of("PATH", "/usr/bin")), Input.none(), Output.appendedTo(Path.of("/srv/app/logs/build.log")),
                Duration.ofMinutes(10), StepRunner.GRACE), c);
    }
}
