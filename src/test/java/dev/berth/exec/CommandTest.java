package dev.berth.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandTest {
    @Test
    void defaults() {
        Command c = Command.of("git", "status");
        assertEquals(new Command(List.of("git", "status"), null, Environment.inherited(), Input.none(), Output.captured(),
                Command.DEFAULT_TIMEOUT, Command.DEFAULT_GRACE), c);
        assertEquals("git", c.program());
    }

    @Test
    void withersChangeOneThing() {
        Command c = Command.of("tar", "-x").withDirectory(Path.of("/srv")).withTimeout(Duration.ofSeconds(9))
                .withGrace(Duration.ofMillis(100)).withInput(Input.from(Path.of("/a.tar"))).withOutput(Output.discarded());
        assertEquals(new Command(List.of("tar", "-x"), Path.of("/srv"), Environment.inherited(), Input.from(Path.of("/a.tar")),
                Output.discarded(), Duration.ofSeconds(9), Duration.ofMillis(100)), c);
        assertEquals(List.of("ssh", "host", "--", "tar", "-x"), c.prefixedWith(List.of("ssh", "host", "--")).argv());
    }

    @Test
    void environmentsAreValues() {
        Environment e = Environment.inherited().minus(List.of("GIT_DIR")).plus(Map.of("LC_ALL", "C"));
        assertEquals(new Environment(true, Set.of("GIT_DIR"), Map.of("LC_ALL", "C")), e);
        assertEquals(new Environment(false, Set.of(), Map.of("A", "1")), Environment.only(Map.of("A", "1")));
    }

    @Test
    void aCommandNeedsAProgram() {
        assertThrows(IllegalArgumentException.class, () -> Command.of(List.of()));
    }
}
