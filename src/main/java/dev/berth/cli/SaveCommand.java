package dev.berth.cli;

import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class SaveCommand implements CliCommand {
    private final Spec spec = new Spec("save", "Write a snapshot of the apps to BERTH_HOME/dump.json.")
            .details("Berth already saves the desired state on every change (nothing is lost if you forget);",
                    "this snapshot (0600, no env values) is for your records.");

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        List<Object> snapshot = new ArrayList<>();
        for (AppReply a : AppReply.in(CommandEnvironment.client().get("/api/v1/apps"))) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", a.name());
            s.put("desired", a.desired());
            s.put("env_profile", a.envProfile());
            s.put("cwd", a.cwd());
            s.put("instances", a.instances().size());
            snapshot.add(s);
        }
        Path dump = CommandEnvironment.home().dir().resolve("dump.json");
        PrivateFiles.writeAtomically(dump, Json.pretty(Map.of("apps", snapshot)).getBytes(StandardCharsets.UTF_8));
        Output.err("state is saved on every change; snapshot of " + snapshot.size() + " app(s) written to " + dump);
        return ExitCodes.OK;
    }
}
