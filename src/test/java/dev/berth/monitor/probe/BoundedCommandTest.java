package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.exec.Environment;
import dev.berth.exec.Output;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundedCommandTest {
    @Test
    void aProbesCommandAddsToTheDaemonsEnvironmentAndKeepsItsFirstOutput() {
        var c = BoundedCommand.of(List.of("check_disk", "-w", "10%"), Path.of("/srv"), Map.of("LANG", "C"), Duration.ofSeconds(3));
        assertEquals(List.of("check_disk", "-w", "10%"), c.argv());
        assertEquals(Path.of("/srv"), c.directory());
        assertEquals(Environment.inherited().plus(Map.of("LANG", "C")), c.environment());
        assertEquals(Output.capturedWithErrors(16 * 1024), c.output());
        assertEquals(Duration.ofSeconds(3), c.timeout());
        assertEquals(Duration.ofMillis(500), c.grace());
        assertEquals(Environment.inherited(), BoundedCommand.of(List.of("x"), null, null, Duration.ofSeconds(1)).environment());
    }
}
