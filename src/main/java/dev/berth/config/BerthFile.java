package dev.berth.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded and validated berth.yml. Apps keep their declared order.
 *
 * @param inputs  every file the result was read from: the berth.yml itself, then the env files
 *                it names; the same bytes in these files give the same result
 * @param backups the backups it declares, in order
 * @param checks  its checks and the built-in ones (host, every app, every scheduled backup)
 * @param alerts  where alerts go
 * @param proxy   the front door and its sites
 * @param admin   the dashboard's second listener, if any
 */
public record BerthFile(Path path, List<AppSpec> apps, List<Path> inputs, List<BackupSpec> backups, List<CheckSpec> checks, AlertsSpec alerts,
                        ProxySpec proxy, AdminSpec admin) {
    public BerthFile(Path path, List<AppSpec> apps) {
        this(path, apps, List.of(path), List.of(), List.of(), AlertsSpec.NONE, ProxySpec.NONE, AdminSpec.NONE);
    }

    public Optional<CheckSpec> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<BackupSpec> backup(String name) {
        return backups.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    public Optional<AppSpec> app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** This file with one app replaced by another of the same name. */
    public BerthFile withApp(AppSpec replacement) {
        List<AppSpec> out = apps.stream().map(a -> a.name().equals(replacement.name()) ? replacement : a).toList();
        return new BerthFile(path, out, inputs, backups, checks, alerts, proxy, admin);
    }
}
