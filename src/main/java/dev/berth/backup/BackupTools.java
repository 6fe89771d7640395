package dev.berth.backup;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import dev.berth.exec.Executables;
import dev.berth.exec.Output;
import dev.berth.exec.Pipeline;
import dev.berth.exec.PipelineResult;
import dev.berth.exec.ProgramNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the backup code runs its tools (dump and restore clients, compressors, age) on the shared
 * runner, and turns how they ended into a BackupException in the tool's own words. Credentials
 * are in the environment the source gives, never on a command line.
 */
final class BackupTools {
    /** A version or a one-line query answers within this. */
    static final Duration SHORT = Duration.ofSeconds(30);
    /** A restore, or a RENAME TABLE waiting for the app's open transactions on the tables. */
    static final Duration LONG = Duration.ofHours(6);
    /** A version, a table list, a count. */
    private static final int SHORT_OUTPUT = 64 * 1024;
    /** The views, triggers and routines of a database, dumped back as SQL. */
    private static final int SCHEMA_OUTPUT = 64 << 20;

    private BackupTools() { }

    /** A tool with the source's variables (a password) added to the daemon's environment. */
    static Command command(List<String> argv, Map<String, String> env) {
        return Command.of(argv).withEnvironment(Environment.inherited().plus(env));
    }

    /** A short command (versions, a query); its output (stdout and stderr together), or BackupException with the tool's own error. */
    static String run(List<String> argv, Map<String, String> env, String what) throws BackupException {
        CommandResult r = start(command(argv, env).withOutput(Output.capturedWithErrors(SHORT_OUTPUT)).withTimeout(SHORT), what);
        if (r.timedOut()) throw new BackupException(what + " did not answer within " + SHORT.toSeconds() + " s");
        if (r.exitCode() != 0) throw new BackupException(what + " failed: " + r.output().strip());
        return r.output();
    }

    /** A long command whose stdout is the answer (a schema dump): stderr apart, so that warnings never mix into it. */
    static String output(List<String> argv, Map<String, String> env, String what) throws BackupException {
        CommandResult r = start(command(argv, env).withOutput(Output.captured(SCHEMA_OUTPUT)).withTimeout(LONG), what);
        if (r.timedOut()) throw new BackupException(what + " did not finish");
        if (r.exitCode() != 0) throw new BackupException(what + " failed: " + r.errors().strip());
        if (r.truncated()) throw new BackupException(what + " printed more than " + (SCHEMA_OUTPUT >> 20) + " MiB");
        return r.output();
    }

    private static CommandResult start(Command c, String what) throws BackupException {
        try {
            return CommandRunner.local().run(c);
        } catch (ProgramNotFoundException e) {
            throw new BackupException(what + ": cannot run " + c.program() + " (" + e.getMessage() + "); install it");
        } catch (InterruptedIOException e) {
            throw new BackupException(what + ": interrupted");
        } catch (IOException e) {
            throw new BackupException(what + ": " + e.getMessage());
        }
    }

    /** Runs the stages as one pipeline (an archive into a restore client); fails with the first failing stage's own error. */
    static void pipe(List<Command> stages, String what) throws BackupException {
        PipelineResult r;
        try {
            r = CommandRunner.local().run(Pipeline.of(stages, LONG));
        } catch (InterruptedIOException e) {
            throw new BackupException(what + ": interrupted");
        } catch (IOException e) {
            throw new BackupException(what + ": " + e.getMessage());
        }
        if (r.timedOut()) throw new BackupException(what + " did not finish");
        Optional<PipelineResult.Stage> failed = r.failed();
        if (failed.isPresent()) {
            throw new BackupException(what + " failed (" + failed.get().program() + " exit " + failed.get().exitCode() + "): "
                    + failed.get().errors().strip());
        }
    }

    /** The last lines of a tool's stderr, for an error message. */
    static String lastLines(String text, int lines) {
        List<String> all = text.strip().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
    }

    /** MariaDB's own client names where they are installed, MySQL's otherwise. */
    static String mysqlClient() {
        return Executables.onPath("mariadb").isPresent() ? "mariadb" : "mysql";
    }

    static String mysqlDumpTool() {
        return Executables.onPath("mariadb-dump").isPresent() ? "mariadb-dump" : "mysqldump";
    }
}
