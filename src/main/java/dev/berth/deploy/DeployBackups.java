package dev.berth.deploy;

import dev.berth.backup.BackupRestore;
import dev.berth.backup.BackupRun;
import dev.berth.backup.BackupService;
import dev.berth.config.BerthFile;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.store.StoreException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Deploys' backups over the daemon's BackupService. */
public final class DeployBackups implements DataBackups {
    private final BackupService service;
    private final Path defaultLogDir;
    private final ConfigCache configs;

    private final SecretBox secrets;

    public DeployBackups(BackupService service, Path defaultLogDir, ConfigCache configs, SecretBox secrets) {
        this.service = service;
        this.defaultLogDir = defaultLogDir;
        this.configs = configs;
        this.secrets = secrets;
    }

    @Override public long take(Path config, String name, Map<String, String> variables, String trigger) throws DeployException {
        BackupRun r = service.run(load(config, variables), List.of(name), trigger).get(0);
        if (!r.ok()) throw new DeployException("backup " + name + " failed: " + r.error());
        return r.id();
    }

    @Override public void restore(Path config, long id, Map<String, String> variables) throws DeployException {
        try {
            BackupRestore r = service.restore(load(config, variables), id, null, true, true, false);
            if (!r.ok()) throw new DeployException("restore of backup #" + id + " failed: " + r.error());
        } catch (StoreException e) {
            throw new DeployException("cannot read the backup catalog: " + e.getMessage(), e);
        }
    }

    private BerthFile load(Path config, Map<String, String> variables) throws DeployException {
        try {
            var recorded = RecordedConfig.of(config, secrets);
            return recorded.isPresent() ? recorded.get().load(defaultLogDir, secrets)
                    : configs.load(config, variables);
        } catch (ConfigException e) {
            throw new DeployException(config + " does not load: " + e.problems().get(0));
        }
    }
}
