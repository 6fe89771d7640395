package dev.berth.cli;

import dev.berth.daemon.SecureFiles;
import dev.berth.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "save", description = {
        "Write a snapshot of the apps to BERTH_HOME/dump.json.",
        "Berth already saves the desired state on every change (nothing is lost if you forget);",
        "this snapshot (0600, no env values) is for your records."})
final class SaveCommand implements Callable<Integer> {
    @SuppressWarnings("unchecked")
    @Override public Integer call() throws Exception {
        List<Object> apps = (List<Object>) Env.client().get("/api/v1/apps").get("apps");
        List<Object> snapshot = new ArrayList<>();
        for (Object o : apps) {
            Map<String, Object> a = (Map<String, Object>) o;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", a.get("name"));
            s.put("desired", a.get("desired"));
            s.put("env_profile", a.get("env_profile"));
            s.put("cwd", a.get("cwd"));
            s.put("instances", ((List<Object>) a.get("instances")).size());
            snapshot.add(s);
        }
        Path dump = Env.home().dir().resolve("dump.json");
        SecureFiles.writeAtomically(dump, Json.pretty(Map.of("apps", snapshot)).getBytes(StandardCharsets.UTF_8));
        Output.err("state is saved on every change; snapshot of " + snapshot.size() + " app(s) written to " + dump);
        return ExitCodes.OK;
    }
}
