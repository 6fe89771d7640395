package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.exec.Command;
import dev.berth.exec.Input;
import dev.berth.exec.Output;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceToolsTest {
    @Test
    void gitRunsWithoutATerminalNorTheDaemonsRepositoryVariables() {
        Command c = SourceTools.command(List.of("git", "--git-dir=/srv/app/repo.git", "remote", "update", "--prune"), Duration.ofMinutes(2));
        assertEquals(List.of("git", "--git-dir=/srv/app/repo.git", "remote", "update", "--prune"), c.argv());
        assertTrue(c.environment().inherit());
        assertEquals(Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_ASKPASS", "true", "LC_ALL", "C"), c.environment().added());
        assertTrue(c.environment().removed().containsAll(List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")));
        assertEquals(Input.none(), c.input());
        assertTrue(c.output() instanceof Output.Captured captured && !captured.withErrors());
        assertEquals(Duration.ofMinutes(2), c.timeout());
    }

    @Test
    void credentialsAreRedacted() {
        assertEquals("cannot clone https://host/x.git", SourceTools.redact("cannot clone https://user:s3cret@host/x.git"));
    }
}
