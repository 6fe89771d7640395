package dev.berth.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What `import-pm2` and `import-compose` share: their output options, how a conversion's failure
 * becomes an exit code, and the report of what they wrote (text on stderr, or --json).
 */
final class ImportReport {
    private ImportReport() { }

    /** One conversion: into output, moved secrets into envFile, keeping existing files unless force. */
    interface Conversion<R> {
        R convert(Path output, Path envFile, boolean force) throws Exception;
    }

    /** -o, --env-file, --force and --json. */
    static Spec outputOptions(Spec spec) {
        return spec.option("-o, --output", "FILE", "berth.yml to write.", "berth.yml")
                .option("--env-file", "FILE", "Where moved secrets go, next to the output.", ".env.berth")
                .flag("--force", "Overwrite the output files.")
                .json();
    }

    /** Runs the conversion with the options' files: a relative --env-file is next to the output. */
    static <R> R convert(Parsed args, Conversion<R> conversion) throws Exception {
        Path output = args.path("--output");
        Path envFile = args.path("--env-file");
        Path env = envFile.isAbsolute() ? envFile : output.toAbsolutePath().getParent().resolve(envFile);
        try {
            return conversion.convert(output, env, args.flag("--force"));
        } catch (FileAlreadyExistsException e) {
            // nothing ran: the output path (or the missing --force) is what to change, like a bad argument
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.CONFIG, e.getMessage());
        }
    }

    /** @param backupsSuggested the commented-out backups written, or -1 when the import suggests none */
    static void print(boolean json, Path berthYml, Path envFile, int apps, int secretsMoved, int backupsSuggested, List<String> notes) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("berth_yml", berthYml.toString());
            m.put("env_file", envFile == null ? null : envFile.toString());
            m.put("apps", apps);
            m.put("secrets_moved", secretsMoved);
            if (backupsSuggested >= 0) m.put("backups_suggested", backupsSuggested);
            m.put("notes", notes);
            Output.json(m);
            return;
        }
        Output.err("wrote " + berthYml + " (" + apps + " app(s))");
        if (envFile != null) Output.err("moved " + secretsMoved + " secret(s) to " + envFile + " (0600); keep it out of version control");
        if (backupsSuggested > 0) Output.err("suggested " + backupsSuggested + " backup(s) at the end of " + berthYml + " (commented out)");
        for (String n : notes) Output.err("note: " + n);
        Output.err("check it with: berth validate " + berthYml);
    }
}
