package dev.berth.daemon;

import dev.berth.backup.BackupService;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigException;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.deploy.DataBackups;
import dev.berth.deploy.DeployException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Deploys' backups over the daemon's BackupService. */
final class DeployBackups implements DataBackups {
    private final BackupService service;
    private final Path defaultLogDir;

    private final SecretBox secrets;

    DeployBackups(BackupService service, Path defaultLogDir, SecretBox secrets) {
        this.service = service;
        this.defaultLogDir = defaultLogDir;
        this.secrets = secrets;
    }

    @Override public long take(Path config, String name, Map<String, String> variables, String trigger) throws DeployException {
        Map<String, Object> r = service.run(load(config, variables), List.of(name), trigger).get(0);
        if (!Boolean.TRUE.equals(r.get("ok"))) throw new DeployException("backup " + name + " failed: " + r.get("error"));
        return ((Number) r.get("id")).longValue();
    }

    @Override public void restore(Path config, long id, Map<String, String> variables) throws DeployException {
        try {
            Map<String, Object> r = service.restore(load(config, variables), id, null, true, true, false);
            if (!Boolean.TRUE.equals(r.get("ok"))) throw new DeployException("restore of backup #" + id + " failed: " + r.get("error"));
        } catch (SQLException e) {
            throw new DeployException("cannot read the backup catalog: " + e.getMessage(), e);
        }
    }

    private BerthFile load(Path config, Map<String, String> variables) throws DeployException {
        try {
            var recorded = RecordedConfig.of(config, secrets);
            return recorded.isPresent() ? recorded.get().load(defaultLogDir, secrets)
                    : new BerthFileLoader(variables, defaultLogDir).load(config, null);
        } catch (ConfigException e) {
            throw new DeployException(config + " does not load: " + e.problems().get(0));
        }
    }
}
