package dev.berth.cli;

import dev.berth.config.Pm2Import;
import java.nio.file.Files;
import java.nio.file.Path;

final class ImportPm2Command implements CliCommand {
    private final Spec spec = ImportReport.outputOptions(new Spec("import-pm2", "Write a berth.yml equivalent to a PM2 ecosystem file.")
            .details("Reads ecosystem.config.js (evaluated with node) or .json. Literal secrets in env move to",
                    "an env file (0600) and become ${KEY}. Every PM2 setting without an equivalent is listed.",
                    "Existing files are kept unless --force.")
            .positional("ECOSYSTEM", 1, 1, "ecosystem.config.js or a .json file."));

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Path ecosystem = Path.of(args.positional(0));
        if (!Files.isRegularFile(ecosystem)) throw new CliException(ExitCodes.NOT_FOUND, ecosystem + ": no such file");
        Pm2Import.Result r = ImportReport.convert(args, (output, env, force) -> new Pm2Import().convert(ecosystem, output, env, force));
        ImportReport.print(args.flag("--json"), r.berthYml(), r.envFile(), r.apps(), r.secretsMoved(), -1, r.notes());
        return ExitCodes.OK;
    }
}
