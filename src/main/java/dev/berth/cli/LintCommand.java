package dev.berth.cli;

import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import dev.berth.config.LintWarning;
import dev.berth.config.SecretLint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class LintCommand implements CliCommand {
    private final Spec spec = new Spec("lint", "Warn about secret-looking values written into a berth.yml.")
            .details("Passwords, keys, tokens, private keys, URLs with a password: each warning says how to move",
                    "the value into an env file; values are never printed. Exits 0 when clean, 1 with warnings.")
            .positional("FILE", 0, 1, "Default: ./berth.yml.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Path file = args.positional(0) == null ? null : Path.of(args.positional(0));
        Path config = CommandEnvironment.config(file);
        if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml in this directory; give a file");
        List<LintWarning> warnings;
        try {
            warnings = new SecretLint().scan(config);
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot lint " + config, e.problems().stream().map(ConfigProblem::toString).toList());
        }
        if (args.flag("--json")) {
            List<Object> out = new ArrayList<>();
            for (LintWarning w : warnings) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", w.file().toString());
                m.put("line", w.line());
                m.put("column", w.column());
                m.put("field", w.field());
                m.put("message", w.message());
                out.add(m);
            }
            Output.json(Map.of("file", config.toString(), "warnings", out));
        } else if (warnings.isEmpty()) {
            Output.out(config + ": no secret-looking values");
        } else {
            for (LintWarning w : warnings) Output.out(w.toString());
            Output.err(warnings.size() + " warning(s) in " + config);
        }
        return warnings.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
