package dev.berth.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What `import-pm2` and `import-compose` wrote, reported the same way (text on stderr, or --json). */
final class ImportReport {
    private ImportReport() { }

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
