package dev.berth.cli;

import dev.berth.config.AppSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ValidateCommand implements CliCommand {
    private final Spec spec = new Spec("validate", "Check a berth.yml without starting anything.")
            .details("Reports every problem at once, each with file:line:column, the field and what would be",
                    "valid. ${VAR} values come from this shell and the env_file. Exits 0 when valid, 3 when not.")
            .positional("FILE", 0, 1, "Default: ./berth.yml.")
            .option("--env", "PROFILE", "Also check with env_<PROFILE> applied.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Path file = args.positional(0) == null ? null : Path.of(args.positional(0));
        String profile = args.value("--env");
        boolean json = args.flag("--json");
        Path config = CommandEnvironment.config(file);
        if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml in this directory; give a file");
        try {
            BerthFile f = new BerthFileLoader(System.getenv(), CommandEnvironment.home().logs()).load(config, profile);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("valid", true);
                out.put("file", config.toString());
                out.put("apps", f.apps().stream().map(AppSpec::name).toList());
                Output.json(out);
            } else {
                Output.out(config + ": valid, " + f.apps().size() + " app(s): " + String.join(", ", f.apps().stream().map(AppSpec::name).toList()));
            }
            return ExitCodes.OK;
        } catch (ConfigException e) {
            if (json) {
                List<Object> problems = new ArrayList<>();
                for (ConfigProblem p : e.problems()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", p.file().toString());
                    m.put("line", p.line());
                    m.put("column", p.column());
                    m.put("field", p.field());
                    m.put("message", p.message());
                    problems.add(m);
                }
                Output.json(Map.of("valid", false, "file", config.toString(), "problems", problems));
            } else {
                for (ConfigProblem p : e.problems()) Output.err(p.toString());
                Output.err(e.problems().size() + " problem(s) in " + config);
            }
            return ExitCodes.CONFIG;
        }
    }
}
