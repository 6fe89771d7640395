package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.exec.Command;
import dev.berth.exec.Environment;
import dev.berth.exec.Input;
import dev.berth.exec.Output;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillCommandTest {
    @Test
    void killRunsInTheCLocaleSoThatNoSuchProcessCanBeRecognised() {
        assertEquals(new Command(List.of("kill", "-s", "TERM", "--", "-123", "456"), null,
                        Environment.inherited().plus(Map.of("LC_ALL", "C")), Input.none(), Output.discarded(), Duration.ofSeconds(10),
                        Command.DEFAULT_GRACE),
                ProcessTree.killCommand(List.of("kill", "-s", "TERM", "--", "-123", "456")));
    }
}
