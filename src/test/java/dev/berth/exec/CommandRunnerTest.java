package dev.berth.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandRunnerTest {
    private static final CommandRunner RUNNER = CommandRunner.local();

    @TempDir
    Path tmp;

    private static Command sh(String script) {
        return Command.of("sh", "-c", script);
    }

    @Test
    void capturesOutputAndExitCode() throws IOException {
        CommandResult r = RUNNER.run(sh("echo hello; echo oops >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertFalse(r.ok());
        assertFalse(r.timedOut());
        assertEquals("hello\n", r.output());
        assertEquals("oops\n", r.errors());
    }

    @Test
    void mergedOutputHoldsStderrToo() throws IOException {
        CommandResult r = RUNNER.run(sh("echo one; echo two >&2").withOutput(Output.capturedWithErrors(1024)));
        assertEquals("one\ntwo\n", r.output());
        assertEquals("", r.errors());
    }

    @Test
    void outputIsBounded() throws IOException {
        CommandResult r = RUNNER.run(sh("head -c 1000000 /dev/zero | tr '\\0' a").withOutput(Output.captured(1000)));
        assertTrue(r.ok());
        assertEquals("a".repeat(1000), r.output());
        assertTrue(r.truncated());
    }

    @Test
    void stderrKeepsItsLastBytes() throws IOException {
        CommandResult r = RUNNER.run(sh("head -c 100000 /dev/zero | tr '\\0' x >&2; echo last >&2"));
        assertEquals(StartedProcesses.ERRORS_KEPT, r.errors().length());
        assertTrue(r.errors().endsWith("x\nlast\n") || r.errors().endsWith("xlast\n"), r.errors().substring(r.errors().length() - 20));
    }

    @ParameterizedTest(name = "own session: {0}")
    @ValueSource(booleans = {true, false})
    void timeoutEndsTheWholeTreeEvenWhatIgnoresTerm(boolean ownSession) throws Exception {
        Path pid = tmp.resolve("pid");
        CommandRunner runner = new CommandRunner(Transport.local(), ownSession);
        // the background child ignores TERM: only the KILL after the grace ends it
        Command c = sh("trap '' TERM; sleep 60 & echo $! > " + pid + "; wait").withTimeout(Duration.ofMillis(500))
                .withGrace(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        CommandResult r = runner.run(c);
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10);
        long child = Long.parseLong(Files.readString(pid).strip());
        assertTrue(gone(child), "the background sleep " + child + " survived the timeout");
    }

    @Test
    void aMissingProgramIsSaidPlainly() {
        ProgramNotFoundException e = assertThrows(ProgramNotFoundException.class,
                () -> RUNNER.run(Command.of("berth-no-such-program", "x")));
        assertEquals("berth-no-such-program", e.program());
        assertEquals("no \"berth-no-such-program\" program on the PATH", e.getMessage());
        ProgramNotFoundException byPath = assertThrows(ProgramNotFoundException.class,
                () -> RUNNER.run(Command.of(tmp.resolve("missing").toString())));
        assertEquals(tmp.resolve("missing") + " is not an executable file", byPath.getMessage());
    }

    @Test
    void aTransportsWrappingReachesTheProcess() throws IOException {
        // what a container or SSH transport does: the same command behind a prefix
        Transport withX = c -> c.prefixedWith(List.of("env", "X=1"));
        CommandResult r = new CommandRunner(withX).run(sh("printf %s \"$X\""));
        assertEquals("1", r.output());
        assertEquals("", RUNNER.run(sh("printf %s \"$X\"").withEnvironment(Environment.inherited().minus(List.of("X")))).output());
    }

    @Test
    void anEnvironmentOfItsOwnReplacesTheDaemons() throws IOException {
        Map<String, String> only = Map.of("A", "b", "PATH", System.getenv("PATH"));
        CommandResult r = RUNNER.run(sh("echo $A ${HOME:-none}").withEnvironment(Environment.only(only)));
        assertEquals("b none\n", r.output());
        CommandResult plus = RUNNER.run(sh("echo $A ${HOME:+home}").withEnvironment(Environment.inherited().plus(Map.of("A", "c"))));
        assertEquals("c home\n", plus.output());
    }

    @Test
    void runsInItsDirectoryWithStdinFromAFile() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.txt"), "from a file");
        CommandResult r = RUNNER.run(sh("pwd; cat").withDirectory(tmp).withInput(Input.from(in)));
        assertEquals(tmp.toRealPath() + "\nfrom a file", r.output());
        assertEquals("", RUNNER.run(Command.of("cat")).output()); // no stdin is /dev/null, never the daemon's
    }

    @Test
    void aLogIsAppendedToAndCreatedPrivate() throws IOException {
        Path log = tmp.resolve("logs/step.log");
        RUNNER.run(sh("echo one; echo two >&2").withOutput(Output.appendedTo(log)));
        RUNNER.run(sh("echo three").withOutput(Output.appendedTo(log)));
        assertEquals("one\ntwo\nthree\n", Files.readString(log));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }

    @Test
    void outputCanGoToAFile() throws IOException {
        Path out = tmp.resolve("out.bin");
        Files.writeString(out, "old content that is longer");
        CommandResult r = RUNNER.run(sh("printf new").withOutput(Output.writtenTo(out)));
        assertTrue(r.ok());
        assertEquals("new", Files.readString(out));
    }

    @Test
    void aPipelineFeedsEachStageAndReportsEach() throws IOException {
        PipelineResult ok = RUNNER.run(Pipeline.of(List.of(Command.of("printf", "hello"), Command.of("tr", "a-z", "A-Z")),
                Duration.ofSeconds(5)));
        assertTrue(ok.ok());
        assertEquals("HELLO", ok.output());
        assertEquals(List.of("printf", "tr"), ok.stages().stream().map(PipelineResult.Stage::program).toList());

        PipelineResult failed = RUNNER.run(Pipeline.of(List.of(sh("echo oops >&2; exit 3"), Command.of("cat")), Duration.ofSeconds(5)));
        assertFalse(failed.ok());
        assertEquals(Optional.of(new PipelineResult.Stage("sh", 3, "oops\n")), failed.failed());
        assertEquals(0, failed.stages().get(1).exitCode());
    }

    @Test
    void aStreamedPipelineIsReadAsItRuns() throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Command last = Command.of("gzip", "-dc").withOutput(Output.streamed(in -> in.transferTo(seen)));
        PipelineResult r = RUNNER.run(Pipeline.of(List.of(sh("printf streamed | gzip -c"), last), Duration.ofSeconds(5)));
        assertTrue(r.ok());
        assertEquals("streamed", seen.toString(StandardCharsets.UTF_8));
        assertEquals("", r.output());
    }

    @Test
    void aStreamedPipelineStillHasItsDeadline() throws IOException {
        Command last = Command.of("cat").withOutput(Output.streamed(in -> in.transferTo(ByteArrayOutputStream.nullOutputStream())));
        PipelineResult r = RUNNER.run(new Pipeline(List.of(sh("sleep 30"), last), Duration.ofMillis(300), Duration.ofMillis(200)));
        assertTrue(r.timedOut());
        assertFalse(r.ok());
    }

    @Test
    void aStreamedStageThatClosesItsOutputAndHangsIsStopped() throws IOException {
        Command last = Command.of("cat").withOutput(Output.streamed(in -> in.transferTo(ByteArrayOutputStream.nullOutputStream())));
        Pipeline hangs = Pipeline.of(List.of(sh("printf x; exec >&-; sleep 30"), last), Command.UNLIMITED)
                .withExitAfterOutput(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        PipelineResult r = RUNNER.run(hangs);
        assertTrue(r.timedOut(), "stopped once its output had ended and it did not exit");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        assertEquals(-1, r.stages().get(0).exitCode(), "the stage that hung is the one marked");
        assertEquals(0, r.stages().get(1).exitCode(), "cat had ended on its own");
    }

    @Test
    void anInterruptedCallerKillsTheCommand() throws Exception {
        Path pid = tmp.resolve("pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                RUNNER.run(sh("echo $$ > " + pid + "; sleep 60").withTimeout(Duration.ofSeconds(30)));
            } catch (IOException e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        for (int i = 0; i < 100 && !Files.exists(pid); i++) Thread.sleep(50);
        t.interrupt();
        t.join(10_000);
        assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
        assertTrue(flag.get());
        assertTrue(gone(Long.parseLong(Files.readString(pid).strip())));
    }

    /** Killed processes are reaped by init a moment later. */
    private static boolean gone(long pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) return true;
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void aCommandBerthWritesToGetsItsStdinAndEndsWhenItIsClosed() throws IOException {
        try (RunningCommand tr = RUNNER.start(Command.of("tr", "a-z", "A-Z").withInput(Input.written()))) {
            tr.stdin().write("fed as it comes".getBytes(StandardCharsets.UTF_8));
            CommandResult r = tr.finish();
            assertTrue(r.ok());
            assertEquals("FED AS IT COMES", r.output());
        }
        assertThrows(IllegalArgumentException.class, () -> RUNNER.start(Command.of("cat")));
        assertThrows(IllegalArgumentException.class, () -> RUNNER.run(Command.of("cat").withInput(Input.written())));
    }

    @Test
    void aCommandBerthWritesToThatHangsAfterItsInputEndedIsStopped() throws IOException {
        Command hashes = sh("cat > /dev/null; sleep 30").withInput(Input.written()).withTimeout(Command.UNLIMITED);
        long t0 = System.nanoTime();
        CommandResult r;
        try (RunningCommand running = RUNNER.start(hashes)) {
            running.stdin().write("archive".getBytes(StandardCharsets.UTF_8));
            r = running.finish(Duration.ofMillis(300));
        }
        assertTrue(r.timedOut(), "stopped once its input had ended and it did not exit");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aCommandBerthWritesToIsKilledWhenGivenUp() throws Exception {
        Path pid = tmp.resolve("pid");
        RunningCommand running = RUNNER.start(sh("echo $$ > " + pid + "; sleep 60").withInput(Input.written()));
        for (int i = 0; i < 100 && !Files.exists(pid); i++) Thread.sleep(50);
        running.kill();
        assertTrue(gone(Long.parseLong(Files.readString(pid).strip())));
    }
}
