package dev.berth.deploy;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import dev.berth.exec.Output;
import dev.berth.exec.Pipeline;
import dev.berth.exec.PipelineResult;
import dev.berth.exec.ProgramNotFoundException;
import dev.berth.text.Units;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the release sources run their tools (git, tar): argument lists on the shared runner, with
 * no terminal to prompt on, a timeout that ends them and what they started, and every message
 * cleared of the credentials a repository URL may hold.
 */
final class SourceTools {
    /** Inherited from whoever started the daemon, these would point git at some other repository. */
    static final List<String> GIT_LOCATION_VARIABLES = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR");
    static final Environment ENVIRONMENT = Environment.inherited().minus(GIT_LOCATION_VARIABLES).plus(Map.of(
            "GIT_TERMINAL_PROMPT", "0", // a missing credential fails at once instead of waiting for a password
            "GIT_ASKPASS", "true",      // nor does a desktop's askpass program pop up
            "LC_ALL", "C"));            // messages as in git's documentation, whatever the daemon's locale
    private static final int STDERR_LINES = 20;
    /** What a tool prints here is a commit id, a ref list or 50 log lines: far less than this. */
    private static final int OUTPUT_KEPT = 1 << 20;
    /** git clone cleans up on TERM; what is left gets KILL after this. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** user, user:password or a token before the host of a URL */
    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    /** What a tool printed and how it ended; stderr is its last lines. */
    record Finished(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private SourceTools() { }

    /** A source tool as a command: stdout kept, stderr apart, no stdin. */
    static Command command(List<String> argv, Duration timeout) {
        return Command.of(argv).withEnvironment(ENVIRONMENT).withOutput(Output.captured(OUTPUT_KEPT)).withTimeout(timeout).withGrace(GRACE);
    }

    /** Runs one command to its end; what it said comes back, a failure to start or a timeout throws. */
    static Finished run(List<String> argv, Duration timeout, String what) throws DeployException {
        CommandResult r;
        try {
            r = CommandRunner.local().run(command(argv, timeout));
        } catch (IOException e) {
            throw cannotRun(e, what);
        }
        if (r.timedOut()) throw timedOut(what, timeout);
        return new Finished(r.exitCode(), r.output(), lastLines(r.errors()));
    }

    /** producer | consumer, with each one's stderr kept for the error message. */
    static void pipe(List<String> producer, List<String> consumer, Duration timeout, String what, String failure) throws DeployException {
        PipelineResult r;
        try {
            r = CommandRunner.local().run(new Pipeline(List.of(command(producer, timeout),
                    command(consumer, timeout).withOutput(Output.discarded())), timeout, GRACE));
        } catch (IOException e) {
            throw cannotRun(e, what);
        }
        if (r.timedOut()) throw timedOut(what, timeout);
        if (r.ok()) return;
        StringBuilder message = new StringBuilder(failure);
        for (PipelineResult.Stage s : r.stages()) {
            if (!s.ok()) message.append("; ").append(s.program()).append(" exited ").append(s.exitCode())
                    .append(said(s.program(), lastLines(s.errors())));
        }
        throw new DeployException(message.toString());
    }

    private static DeployException cannotRun(IOException e, String what) {
        return switch (e) {
            case ProgramNotFoundException missing -> new DeployException(missing.program() + " is not installed (no \"" + missing.program()
                    + "\" program on the PATH of the berth daemon), and " + redact(what) + " needs it: install it, e.g. `apt-get install "
                    + missing.program() + "`", e);
            case InterruptedIOException interrupted -> new DeployException(redact(what) + " was interrupted", e);
            default -> new DeployException("cannot run " + redact(what) + ": " + redact(String.valueOf(e.getMessage())), e);
        };
    }

    private static DeployException timedOut(String what, Duration timeout) {
        return new DeployException(redact(what) + " timed out after " + Units.duration(timeout) + " and was stopped");
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size()));
    }

    /** " (git said: ...)" with the tool's last lines, credentials removed; empty when it said nothing. */
    static String said(String tool, String stderr) {
        String text = redact(stderr).strip();
        return text.isEmpty() ? "" : " (" + tool + " said: " + text + ")";
    }

    /** https://user:secret@host/x.git -> https://host/x.git, in anything shown to the user. */
    static String redact(String text) {
        return USERINFO.matcher(text).replaceAll("");
    }

    static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case NoSuchFileException n -> "no such file: " + n.getFile();
            case FileAlreadyExistsException f -> "already exists: " + f.getFile();
            default -> String.valueOf(e.getMessage());
        };
    }
}
