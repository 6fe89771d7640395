package dev.berth.backup;

import dev.berth.config.SecretBox;
import dev.berth.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the next daemon needs about a restore or drill it finds interrupted (see store/Operations):
 * the berth.yml, its ${VAR} values (sealed: they hold passwords, and the record stays in
 * state.db when the daemon is killed), the archive and the restore's target.
 */
public record RestoreRecord(Path config, Map<String, String> variables, long archive, String to) {
    public String write(SecretBox box) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("config", config.toString());
        d.put("variables_sealed", box == null ? Json.write(variables) : box.sealText(Json.write(variables)));
        d.put("id", archive);
        d.put("to", to);
        return Json.write(d);
    }

    /** The record as written; "variables" in clear is what a daemon before sealing wrote. */
    public static RestoreRecord read(Map<String, Object> d, SecretBox box) throws IOException {
        Map<String, String> vars;
        if (d.get("variables_sealed") instanceof String sealed) {
            vars = Json.readStringMap(box == null ? sealed : box.openText(sealed));
        } else {
            vars = Json.readStringMap(Json.write(d.getOrDefault("variables", Map.of())));
        }
        return new RestoreRecord(Path.of(String.valueOf(d.get("config"))), vars, ((Number) d.get("id")).longValue(),
                d.get("to") instanceof String t ? t : null);
    }
}
