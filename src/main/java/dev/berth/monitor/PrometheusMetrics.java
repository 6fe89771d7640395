package dev.berth.monitor;

import dev.berth.store.BackupCatalog;
import dev.berth.store.Deployments;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.supervisor.Supervisor;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's numbers in the Prometheus text format: instances, checks, the check loop's
 * lateness, backups and deployments. States and numbers only, never a setting or a secret:
 * /metrics answers without the token.
 */
public final class PrometheusMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final double[] LATENESS_QUANTILES = {0.5, 0.99, 1.0};

    private final CheckScheduler scheduler;
    private final Supervisor supervisor;
    private final BackupCatalog backups;
    private final Deployments deployments;

    public PrometheusMetrics(CheckScheduler scheduler, Supervisor supervisor, BackupCatalog backups, Deployments deployments) {
        this.scheduler = scheduler;
        this.supervisor = supervisor;
        this.backups = backups;
        this.deployments = deployments;
    }

    /** Every metric, in the text format. */
    public byte[] scrape() throws IOException {
        List<MetricSnapshot> m = new ArrayList<>();
        instances(m);
        checks(m);
        backups(m);
        m.add(deployments());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(m));
        return out.toByteArray();
    }

    private void instances(List<MetricSnapshot> m) {
        GaugeSnapshot.Builder cpu = gauge("berth_instance_cpu_percent", "CPU use of an instance's process tree, percent of one core");
        GaugeSnapshot.Builder mem = gauge("berth_instance_memory_bytes", "Resident memory of an instance's process tree");
        GaugeSnapshot.Builder up = gauge("berth_instance_uptime_seconds", "Seconds since the instance started");
        GaugeSnapshot.Builder online = gauge("berth_instance_up", "1 when the instance is running, else 0");
        CounterSnapshot.Builder restarts = CounterSnapshot.builder().name("berth_instance_restarts").help("Restarts of an instance");
        for (AppStatus a : supervisor.status()) {
            for (InstanceStatus i : a.instances()) {
                Labels l = Labels.of("app", a.name(), "instance", Integer.toString(i.index()));
                // not measured yet: no sample rather than a 0
                if (i.cpuPercent() != null) cpu.dataPoint(point(l, i.cpuPercent()));
                if (i.memoryBytes() != null) mem.dataPoint(point(l, i.memoryBytes()));
                up.dataPoint(point(l, i.uptimeMillis() / 1000.0));
                online.dataPoint(point(l, i.state().equals("running") ? 1 : 0));
                restarts.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(i.restarts()).build());
            }
        }
        m.add(cpu.build());
        m.add(mem.build());
        m.add(up.build());
        m.add(online.build());
        m.add(restarts.build());
    }

    private void checks(List<MetricSnapshot> m) {
        GaugeSnapshot.Builder state = gauge("berth_check_state", "0 OK, 1 WARNING, 2 CRITICAL");
        GaugeSnapshot.Builder latency = gauge("berth_check_latency_seconds", "How long the check's last run took");
        GaugeSnapshot.Builder value = gauge("berth_check_value", "The value the check's last run measured, in the check's unit");
        for (CheckScheduler.CheckView v : scheduler.checks()) {
            Labels l = Labels.of("check", v.spec().name(), "kind", v.spec().kind());
            state.dataPoint(point(l, v.state().ordinal()));
            if (v.last() != null) {
                latency.dataPoint(point(l, v.last().latencyMillis() / 1000.0));
                if (v.last().value() != null) value.dataPoint(point(l, v.last().value()));
            }
        }
        m.add(state.build());
        m.add(latency.build());
        m.add(value.build());
        long[] late = scheduler.lateness();
        GaugeSnapshot.Builder lateness = gauge("berth_check_lateness_seconds", "How late checks started against their schedule (last 10,000 runs)");
        for (double q : LATENESS_QUANTILES) {
            lateness.dataPoint(point(Labels.of("quantile", quantileLabel(q)), Quantiles.nearestRank(late, q) / 1000.0));
        }
        m.add(lateness.build());
        m.add(CounterSnapshot.builder().name("berth_check_runs").help("Check runs since the daemon started")
                .dataPoint(CounterDataPointSnapshot.builder().value(scheduler.runs()).build()).build());
    }

    /** "0.5", "0.99", and "1" for the maximum. */
    static String quantileLabel(double q) {
        return q == 1.0 ? "1" : Double.toString(q);
    }

    private void backups(List<MetricSnapshot> m) {
        GaugeSnapshot.Builder lastOk = gauge("berth_backup_last_success_timestamp_seconds", "When the newest good archive of a backup was taken");
        GaugeSnapshot.Builder size = gauge("berth_backup_last_size_bytes", "Size of the newest good archive of a backup");
        for (String name : backups.names()) {
            BackupCatalog.Entry e = backups.newestGood(name).orElse(null);
            if (e == null) continue;
            Labels l = Labels.of("backup", name);
            lastOk.dataPoint(point(l, e.endedAt() / 1000.0));
            if (e.bytes() != null) size.dataPoint(point(l, e.bytes()));
        }
        m.add(lastOk.build());
        m.add(size.build());
    }

    private MetricSnapshot deployments() {
        CounterSnapshot.Builder deploys = CounterSnapshot.builder().name("berth_deployments").help("Deployments by app and outcome");
        for (var a : deployments.countByState().entrySet()) {
            for (var s : a.getValue().entrySet()) {
                deploys.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("app", a.getKey(), "outcome", s.getKey())).value(s.getValue()).build());
            }
        }
        return deploys.build();
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
