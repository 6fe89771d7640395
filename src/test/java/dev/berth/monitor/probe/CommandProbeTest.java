package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private static CommandProbe sh(String script) {
        return new CommandProbe(List.of("sh", "-c", script), null, null);
    }

    @ParameterizedTest(name = "exit {0} -> {1}")
    @CsvSource({"0, OK, ok", "1, WARNING, warning", "2, CRITICAL, critical", "3, CRITICAL, critical"})
    void theExitCodeIsTheState(int code, CheckState state, String label) {
        ProbeResult r = sh("echo 'queue depth 42'; exit " + code).run(TIMEOUT);
        assertEquals(state, r.state());
        assertEquals((double) code, r.value());
        assertEquals("exit " + code + " (" + label + "): queue depth 42", r.message());
    }

    @Test
    void theMessageIsTheFirstLineOfStdoutOrStderr() {
        assertEquals("exit 2 (critical): replica lag 30 s", sh("echo '  ' ; echo '  replica lag 30 s  ' >&2; echo more; exit 2")
                .run(TIMEOUT).message());
        assertEquals("exit 0 (ok), no output", sh("true").run(TIMEOUT).message());
        String longLine = sh("printf '%0300d\\n' 7").run(TIMEOUT).message();
        assertEquals("exit 0 (ok): ".length() + 200, longLine.length(), "the line is cut to 200 characters");
    }

    @Test
    void argvIsNotAShellLine() {
        ProbeResult r = new CommandProbe(List.of("echo", "$HOME; exit 2"), null, null).run(TIMEOUT);
        assertEquals(CheckState.OK, r.state());
        assertEquals("exit 0 (ok): $HOME; exit 2", r.message());
    }

    @Test
    void theWorkingDirectoryAndExtraEnvironmentApply() throws IOException {
        ProbeResult r = new CommandProbe(List.of("sh", "-c", "echo \"$GREETING from $(pwd)\""), tmp,
                Map.of("GREETING", "hello")).run(TIMEOUT);
        assertEquals("exit 0 (ok): hello from " + tmp.toRealPath(), r.message());
    }

    @Test
    void aMissingProgramIsCritical() throws IOException {
        ProbeResult r = new CommandProbe(List.of("no-such-program-here"), null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertEquals("cannot run no-such-program-here: not found on PATH", r.message());
        ProbeResult noDir = new CommandProbe(List.of("true"), tmp.resolve("gone"), null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, noDir.state());
        assertEquals("cannot run true: working directory " + tmp.resolve("gone") + " does not exist", noDir.message());
        Files.writeString(tmp.resolve("notes.txt"), "echo not a program");
        ProbeResult notExecutable = new CommandProbe(List.of("./notes.txt"), tmp, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, notExecutable.state());
        assertTrue(notExecutable.message().endsWith("notes.txt is not an executable file"), notExecutable.message());
    }

    @Test
    void aTimeoutKillsTheCommandAndItsChildren() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        CommandProbe probe = sh("sleep 60 & echo $! > '" + pidFile + "'; echo started; wait");
        ProbeResult r = probe.run(Duration.ofMillis(500));
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().startsWith("sh timed out after 500ms and was killed with its process group (critical)"), r.message());
        assertTrue(r.message().endsWith("first output: started"), r.message());
        assertTrue(r.latencyMillis() < 3000, "killed promptly: " + r.latencyMillis());

        long child = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (running(child) && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(running(child), "the sleep 60 the command started is gone too");
    }

    /** Alive and not a zombie: an orphan that died waits for init to reap it, but runs no more. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String text;
        try {
            text = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        char state = text.charAt(text.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    @Test
    void anEmptyCommandIsADefinitionError() {
        assertThrows(IllegalArgumentException.class, () -> new CommandProbe(List.of(), null, null));
    }
}
