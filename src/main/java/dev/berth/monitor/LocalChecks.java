package dev.berth.monitor;

import dev.berth.alert.Alert;
import dev.berth.alert.AlertRouter;
import dev.berth.alert.AlertSendException;
import dev.berth.alert.ChannelSender;
import dev.berth.alert.MaintenanceWindows;
import dev.berth.config.AlertsSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.CheckSpec;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.HostStats;
import dev.berth.store.BackupCatalog;
import dev.berth.store.CheckRecords;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * `berth check` without a daemon: the checks run in the CLI. Backups and heartbeats are read from
 * the state store when there is one; no app is supervised, so app checks say so.
 */
public final class LocalChecks {
    private LocalChecks() { }

    public static CheckReport run(BerthFile file, List<String> names, Path stateDb, boolean alert) throws Exception {
        for (String n : names) {
            if (file.check(n).isEmpty()) {
                throw new IllegalArgumentException("no check named \"" + n + "\" in " + file.path() + "; checks: "
                        + String.join(", ", file.checks().stream().map(CheckSpec::name).toList()));
            }
        }
        List<CheckSpec> chosen = file.checks().stream().filter(c -> names.isEmpty() || names.contains(c.name())).toList();
        boolean needsStore = alert || chosen.stream().anyMatch(c -> c.probe() instanceof CheckSpec.BackupAge || c.probe() instanceof CheckSpec.Heartbeat);
        StateStore store = needsStore && Files.exists(stateDb) ? new StateStore(stateDb) : null;
        try {
            BackupCatalog catalog = store == null ? null : new BackupCatalog(store);
            CheckRecords monitoring = store == null ? null : new CheckRecords(store);
            HostStats[] host = new HostStats[1];
            CheckContext ctx = new CheckContext() {
                @Override public AppHealth app(String name) {
                    return null;
                }

                @Override public Long lastGoodBackup(String name) {
                    try {
                        return catalog == null ? null : catalog.lastGood(name);
                    } catch (StoreException e) {
                        return null;
                    }
                }

                @Override public Long lastBeat(String name) {
                    try {
                        return monitoring == null ? null : monitoring.lastBeat(name).orElse(null);
                    } catch (StoreException e) {
                        return null;
                    }
                }

                @Override public long watchingSince() {
                    return System.currentTimeMillis();
                }

                @Override public synchronized HostStats host() {
                    if (host[0] == null) host[0] = new HostStats();
                    return host[0];
                }
            };
            List<CheckRunner.Outcome> outcomes = CheckRunner.runAll(chosen, ctx, n -> file.backup(n).orElse(null));
            CheckReport report = CheckReport.of(outcomes);
            return alert ? report.alerted(send(file.alerts(), outcomes, monitoring)) : report;
        } finally {
            if (store != null) store.close();
        }
    }

    /** Sends what is not OK as one message per channel, now; says what went where. */
    /** Silences (from the state store, when there is one) and maintenance windows hold alerts back here too. */
    static String send(AlertsSpec spec, List<CheckRunner.Outcome> outcomes, CheckRecords monitoring) {
        Instant now = Instant.now();
        List<CheckRecords.Silence> silences = monitoring == null ? List.of() : monitoring.silences(now.toEpochMilli());
        List<CheckRunner.Outcome> bad = outcomes.stream().filter(o -> o.result().state() != CheckState.OK).toList();
        if (bad.isEmpty()) return "nothing to alert";
        List<CheckRunner.Outcome> loud = bad.stream()
                .filter(o -> silences.stream().noneMatch(x -> AlertRouter.matches(x.target(), o.spec().name()))).toList();
        if (loud.isEmpty()) return "nothing sent: every check that is not OK is silenced";
        AlertsSpec.Maintenance window = MaintenanceWindows.active(spec.maintenance(), now, ZoneId.systemDefault());
        if (window != null) return "nothing sent: in the maintenance window " + window.cron() + " for " + window.duration();
        bad = loud;
        if (spec.channels().isEmpty()) return "no alert channel in alerts.channels";
        String server = spec.server() != null ? spec.server() : AlertRouter.localHostName();
        List<String> said = new ArrayList<>();
        try (ChannelSender sender = new ChannelSender()) {
            for (AlertsSpec.Channel c : spec.channels()) {
                List<Alert> alerts = bad.stream().filter(o -> o.spec().channels().isEmpty() || o.spec().channels().contains(c.name()))
                        .map(o -> new Alert(server, "check " + o.spec().name(), o.result().state().name(),
                                o.result().value() == null ? null : CheckScheduler.format(o.result().value(), o.result().unit()),
                                CheckScheduler.threshold(o.spec(), o.result().state(), o.result().unit()), Instant.now(),
                                o.result().message())).toList();
                if (alerts.isEmpty()) continue;
                try {
                    sender.send(c, alerts.size() + " check(s) not OK on " + server, alerts);
                    said.add("sent to " + c.name());
                } catch (AlertSendException e) {
                    said.add("NOT sent to " + c.name() + ": " + e.getMessage());
                }
            }
        }
        return String.join("; ", said);
    }
}
