package dev.berth.cli;

import dev.berth.config.Pm2Import;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "import-pm2", description = {
        "Write a berth.yml equivalent to a PM2 ecosystem file.",
        "Reads ecosystem.config.js (evaluated with node) or .json. Literal secrets in env move to",
        "an env file (0600) and become $${KEY}. Every PM2 setting without an equivalent is listed.",
        "Existing files are kept unless --force."})
final class ImportPm2Command implements Callable<Integer> {
    @Parameters(paramLabel = "ECOSYSTEM", description = "ecosystem.config.js or a .json file.")
    Path ecosystem;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "berth.yml", description = "berth.yml to write (default ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--env-file", paramLabel = "FILE", defaultValue = ".env.berth", description = "Where moved secrets go (default ${DEFAULT-VALUE}, next to the output).")
    Path envFile;

    @Option(names = "--force", description = "Overwrite the output files.")
    boolean force;

    @Mixin JsonOption json;

    @Override public Integer call() throws Exception {
        if (!Files.isRegularFile(ecosystem)) throw new CliException(ExitCodes.CONFIG, ecosystem + ": no such file");
        Path env = envFile.isAbsolute() ? envFile : output.toAbsolutePath().getParent().resolve(envFile);
        Pm2Import.Result r;
        try {
            r = new Pm2Import().convert(ecosystem, output, env, force);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.CONFIG, e.getMessage());
        }
        if (json.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("berth_yml", r.berthYml().toString());
            m.put("env_file", r.envFile() == null ? null : r.envFile().toString());
            m.put("apps", r.apps());
            m.put("secrets_moved", r.secretsMoved());
            m.put("notes", r.notes());
            Output.json(m);
        } else {
            Output.err("wrote " + r.berthYml() + " (" + r.apps() + " app(s))");
            if (r.envFile() != null) Output.err("moved " + r.secretsMoved() + " secret(s) to " + r.envFile() + " (0600); keep it out of version control");
            for (String n : r.notes()) Output.err("note: " + n);
            Output.err("check it with: berth validate " + r.berthYml());
        }
        return ExitCodes.OK;
    }
}
