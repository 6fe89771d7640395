package dev.berth.cli;

import dev.berth.config.Pm2Import;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

final class ImportPm2Command implements CliCommand {
    private final Spec spec = new Spec("import-pm2", "Write a berth.yml equivalent to a PM2 ecosystem file.")
            .details("Reads ecosystem.config.js (evaluated with node) or .json. Literal secrets in env move to",
                    "an env file (0600) and become ${KEY}. Every PM2 setting without an equivalent is listed.",
                    "Existing files are kept unless --force.")
            .positional("ECOSYSTEM", 1, 1, "ecosystem.config.js or a .json file.")
            .option("-o, --output", "FILE", "berth.yml to write.", "berth.yml")
            .option("--env-file", "FILE", "Where moved secrets go, next to the output.", ".env.berth")
            .flag("--force", "Overwrite the output files.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Path ecosystem = Path.of(args.positional(0));
        Path output = args.path("--output");
        Path envFile = args.path("--env-file");
        boolean force = args.flag("--force");
        if (!Files.isRegularFile(ecosystem)) throw new CliException(ExitCodes.NOT_FOUND, ecosystem + ": no such file");
        Path env = envFile.isAbsolute() ? envFile : output.toAbsolutePath().getParent().resolve(envFile);
        Pm2Import.Result r;
        try {
            r = new Pm2Import().convert(ecosystem, output, env, force);
        } catch (FileAlreadyExistsException e) {
            // nothing ran: the output path (or the missing --force) is what to change, like a bad argument
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.CONFIG, e.getMessage());
        }
        ImportReport.print(args.flag("--json"), r.berthYml(), r.envFile(), r.apps(), r.secretsMoved(), -1, r.notes());
        return ExitCodes.OK;
    }
}
