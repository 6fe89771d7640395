package dev.berth.deploy;

import java.nio.file.Path;
import java.util.Map;

/** The backups a deploy takes before its migrations and a rollback --with-data restores; the daemon wires it to its BackupService. */
public interface DataBackups {
    /** Takes the named backup of the berth.yml now; returns its catalog id, or fails with the dump tool's own error. */
    long take(Path config, String name, Map<String, String> variables, String trigger) throws DeployException;

    /** Restores catalog entry id over its source, after a safety backup of the current state. */
    void restore(Path config, long id, Map<String, String> variables) throws DeployException;
}
