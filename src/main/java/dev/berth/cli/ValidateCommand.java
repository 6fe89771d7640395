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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "validate", description = {
        "Check a berth.yml without starting anything.",
        "Reports every problem at once, each with file:line:column, the field and what would be",
        "valid. $${VAR} values come from this shell and the env_file. Exits 0 when valid, 3 when not."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "FILE", description = "Default: ./berth.yml.")
    Path file;

    @Option(names = "--env", paramLabel = "PROFILE", description = "Also check with env_<PROFILE> applied.")
    String profile;

    @Mixin JsonOption json;

    @Override public Integer call() {
        Path config = Env.config(file);
        if (config == null) throw new CliException(ExitCodes.CONFIG, "no berth.yml in this directory; give a file");
        try {
            BerthFile f = new BerthFileLoader(System.getenv(), Env.home().logs()).load(config, profile);
            if (json.json) {
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
            if (json.json) {
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
