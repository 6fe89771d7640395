package dev.berth.monitor.probe;

import dev.berth.exec.CommandResult;
import dev.berth.exec.Executables;
import dev.berth.http.FailureText;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * NVIDIA GPU utilization and memory, read with nvidia-smi; with several GPUs the worst one wins
 * and the message names it.
 *
 * <p>On a host without nvidia-smi on PATH there is nothing to watch, which is not a failure:
 * the result is OK with no value ({@link ProbeResult#measured()} is false) and a message that
 * begins "not applicable". A scheduler that would rather not list such checks at all asks
 * {@link #applicable()} once. nvidia-smi failing (a driver that lost the card) is CRITICAL.
 *
 * @param utilization       limits on GPU utilization in percent; none when null, since a GPU
 *                          that trains or serves models is meant to be busy
 * @param memoryUsedPercent limits on GPU memory used in percent; warning 90, critical 95 when null
 */
public record GpuProbe(Thresholds utilization, Thresholds memoryUsedPercent) implements Probe {

    public static final Thresholds DEFAULT_UTILIZATION = Thresholds.above(null, null);
    public static final Thresholds DEFAULT_MEMORY_USED = Thresholds.above(90.0, 95.0);

    /** The query that {@link GpuReading#parseNvidiaSmi} reads. */
    public static final List<String> NVIDIA_SMI_ARGV = List.of("nvidia-smi",
            "--query-gpu=index,name,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits");

    public GpuProbe {
        utilization = utilization == null ? DEFAULT_UTILIZATION : utilization;
        memoryUsedPercent = memoryUsedPercent == null ? DEFAULT_MEMORY_USED : memoryUsedPercent;
    }

    /** Whether this host has nvidia-smi, so that the probe measures something. */
    public static boolean applicable() {
        return Executables.onPath("nvidia-smi").isPresent();
    }

    @Override
    public ProbeResult run(Duration timeout) {
        if (!applicable()) {
            return new ProbeResult(CheckState.OK, null, "%", "not applicable: no nvidia-smi on PATH, no GPU to watch", 0);
        }
        return query(NVIDIA_SMI_ARGV, timeout);
    }

    /** Runs the query command and judges what it printed; a test points it at a stand-in script. */
    ProbeResult query(List<String> argv, Duration timeout) {
        long t0 = System.nanoTime();
        CommandResult outcome;
        try {
            outcome = BoundedCommand.run(argv, null, Map.of(), timeout);
        } catch (IOException | RuntimeException e) {
            return ProbeResult.failed("cannot run nvidia-smi: " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
        if (outcome.timedOut()) {
            return ProbeResult.failed("nvidia-smi timed out after " + Quantities.duration(timeout), outcome.took().toMillis());
        }
        if (outcome.exitCode() != 0) {
            return ProbeResult.failed("nvidia-smi failed with exit " + outcome.exitCode() + ": "
                    + BoundedCommand.firstLine(outcome.output(), 200), outcome.took().toMillis());
        }
        try {
            return judge(GpuReading.parseNvidiaSmi(outcome.output()), outcome.took().toMillis());
        } catch (IllegalArgumentException e) {
            return ProbeResult.failed(e.getMessage(), outcome.took().toMillis());
        }
    }

    /** The verdict on a set of readings: the worst GPU and, on it, the worse of its two values. */
    ProbeResult judge(List<GpuReading> gpus, long millis) {
        if (gpus.isEmpty()) return ProbeResult.failed("nvidia-smi lists no GPU", millis);
        ProbeResult worst = null;
        for (GpuReading gpu : gpus) {
            ProbeResult r = judge(gpu, millis);
            if (worst == null || r.state().compareTo(worst.state()) > 0
                    || r.state() == worst.state() && value(r) > value(worst)) {
                worst = r;
            }
        }
        return gpus.size() == 1 ? worst : new ProbeResult(worst.state(), worst.value(), worst.unit(),
                worst.message() + "; worst of " + gpus.size() + " GPUs", millis);
    }

    private ProbeResult judge(GpuReading gpu, long millis) {
        String what = "gpu " + gpu.index() + " (" + gpu.name() + ")";
        CheckState state = CheckState.OK;
        Double value = null;
        StringBuilder message = new StringBuilder(what);
        if (gpu.utilizationPercent() != null) {
            double u = gpu.utilizationPercent();
            state = utilization.state(u);
            value = u;
            message.append(" utilization ").append(Quantities.format(u, "%")).append(' ').append(utilization.verdict(u, "%"));
        }
        Double memory = gpu.memoryUsedPercent();
        if (memory != null) {
            CheckState memoryState = memoryUsedPercent.state(memory);
            if (value == null || memoryState.compareTo(state) > 0) value = memory;
            state = CheckState.worst(state, memoryState);
            if (gpu.utilizationPercent() != null) message.append(',');
            message.append(" memory ").append(Quantities.format(memory, "%")).append(" used ")
                    .append(memoryUsedPercent.verdict(memory, "%"));
        }
        if (value == null) message.append(" reports neither utilization nor memory");
        return new ProbeResult(state, value, "%", message.toString(), millis);
    }

    private static double value(ProbeResult r) {
        return r.value() == null ? -1 : r.value();
    }
}
