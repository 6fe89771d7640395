package dev.berth.monitor.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One GPU as nvidia-smi reports it. A field the driver reports as "[N/A]" (utilization on some
 * boards) is null.
 */
public record GpuReading(int index, String name, Double utilizationPercent, Double memoryUsedMiB,
                         Double memoryTotalMiB) {

    /** Memory used in percent, or null when the driver does not report memory. */
    public Double memoryUsedPercent() {
        if (memoryUsedMiB == null || memoryTotalMiB == null || memoryTotalMiB <= 0) return null;
        return 100.0 * memoryUsedMiB / memoryTotalMiB;
    }

    /**
     * Parses the output of {@link GpuProbe#NVIDIA_SMI_ARGV}: one line per GPU,
     * {@code index, name, utilization.gpu, memory.used, memory.total}. Blank lines are skipped.
     *
     * @throws IllegalArgumentException on a line of another shape, naming it
     */
    public static List<GpuReading> parseNvidiaSmi(String csv) {
        List<GpuReading> out = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) continue;
            String[] fields = line.split(",");
            if (fields.length < 5) throw new IllegalArgumentException("unexpected nvidia-smi line: " + line.strip());
            int n = fields.length;
            // a name with a comma in it spreads over several fields: the numbers are the last three
            String name = String.join(",", Arrays.copyOfRange(fields, 1, n - 3)).strip();
            try {
                out.add(new GpuReading(Integer.parseInt(fields[0].strip()), name, number(fields[n - 3]),
                        number(fields[n - 2]), number(fields[n - 1])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unexpected nvidia-smi line: " + line.strip());
            }
        }
        return out;
    }

    private static Double number(String field) {
        String f = field.strip();
        if (f.isEmpty() || f.startsWith("[") || f.equalsIgnoreCase("N/A")) return null; // [N/A], [Not Supported]
        return Double.parseDouble(f);
    }
}
