package dev.berth.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Compose service asks of the machine, as Berth's keys: deploy (replicas, resource limits, GPU
 * reservations, restart policy), mem_limit, cpus, scale, and the GPU spellings (runtime: nvidia,
 * gpus:, device_requests, /dev/nvidia* devices). One instance per service; read the results after.
 */
final class ComposeResources {
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bkmgt]?)b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern NVIDIA_DEVICE = Pattern.compile("/dev/nvidia(\\d{1,3})");
    /** The devices nvidia-container-toolkit adds by itself with any GPU. */
    private static final Pattern NVIDIA_CONTROL = Pattern.compile("/dev/nvidia(ctl|-uvm|-uvm-tools|-modeset|-caps.*)");
    private static final Pattern CDI_GPU = Pattern.compile("nvidia\\.com/gpu=(all|[0-9A-Za-z-]+)");

    private final List<String> notes;
    private final String service;

    /** container.memory, from deploy's limits or mem_limit (deploy wins, as in Compose). */
    String memory;
    private String memLimit;
    String cpus;
    private String cpusKey;
    /** instances: from deploy.replicas or scale. */
    String instances;
    /** false for deploy.restart_policy.condition: none; null when it says nothing. */
    Boolean autorestart;
    /** container.gpus: "all", a count as text, or a list of ids. */
    Object gpus;
    private boolean nvidiaRuntime;
    /** Devices other than GPUs, as container.engine_args. */
    final List<String> engineArgs = new ArrayList<>();

    ComposeResources(String service, List<String> notes) {
        this.service = service;
        this.notes = notes;
    }

    String field(String key) {
        return "services." + service + "." + key;
    }

    /** Called once every key is read: the more specific spellings win. */
    void finish(Map<String, ComposeValue> env) {
        if (memory == null) memory = memLimit;
        if (cpus == null) cpus = cpusKey;
        if (gpus == null && nvidiaRuntime) {
            // the NVIDIA runtime passes the GPUs NVIDIA_VISIBLE_DEVICES names, every one by default
            ComposeValue visible = env.get("NVIDIA_VISIBLE_DEVICES");
            String ids = visible == null || visible.text() == null ? "all" : visible.text().strip();
            gpus = ids.matches("\\d{1,3}(,\\d{1,3})*") ? List.of(ids.split(",")) : "all";
        }
    }

    // ---- deploy -------------------------------------------------------------------------------

    void deploy(ComposeValue d) {
        String field = field("deploy");
        if (!d.isMap()) {
            notes.add(d.note(field, "expected a mapping, got " + d.shown() + "; not mapped"));
            return;
        }
        for (Map.Entry<String, ComposeValue> e : d.map().entrySet()) {
            ComposeValue v = e.getValue();
            String f = field + "." + e.getKey();
            switch (e.getKey()) {
                case "replicas" -> instances = replicas(v, f);
                case "resources" -> resources(v, f);
                case "restart_policy" -> restartPolicy(v, f);
                case "mode" -> {
                    if (!"replicated".equals(v.text())) notes.add(v.note(f, "not mapped (Berth runs instances: on this machine only)"));
                }
                default -> notes.add(v.note(f, "not mapped (a Swarm setting; Berth runs the app on this machine)"));
            }
        }
    }

    void scale(ComposeValue v) {
        if (instances == null) instances = replicas(v, field("scale"));
    }

    private String replicas(ComposeValue v, String field) {
        String s = v.text() == null ? "" : v.text().strip();
        if (s.matches("[1-9]\\d{0,4}")) return s;
        if (s.equals("0")) {
            notes.add(v.note(field, "0: Berth runs at least one instance; left out (remove the app, or `berth stop` it)"));
        } else {
            notes.add(v.note(field, "expected a number of instances, got " + v.shown() + "; left out"));
        }
        return null;
    }

    private void resources(ComposeValue r, String field) {
        for (Map.Entry<String, ComposeValue> e : r.map().entrySet()) {
            ComposeValue v = e.getValue();
            String f = field + "." + e.getKey();
            if (e.getKey().equals("limits")) {
                for (Map.Entry<String, ComposeValue> l : v.map().entrySet()) {
                    switch (l.getKey()) {
                        case "memory" -> memory = memory(l.getValue(), f + ".memory");
                        case "cpus" -> cpus = cpus(l.getValue(), f + ".cpus");
                        default -> notes.add(l.getValue().note(f + "." + l.getKey(), "not mapped (Berth limits memory and cpus)"));
                    }
                }
            } else if (e.getKey().equals("reservations")) {
                for (Map.Entry<String, ComposeValue> l : v.map().entrySet()) {
                    if (l.getKey().equals("devices")) {
                        reservedDevices(l.getValue(), f + ".devices");
                    } else {
                        notes.add(l.getValue().note(f + "." + l.getKey(), "not mapped (Berth sets limits, not reservations)"));
                    }
                }
            } else {
                notes.add(v.note(f, "not mapped"));
            }
        }
    }

    private void restartPolicy(ComposeValue p, String field) {
        ComposeValue condition = p.get("condition");
        if (condition != null && "none".equals(condition.text())) {
            autorestart = false;
            return;
        }
        notes.add(p.note(field, "not mapped: Berth restarts an app whenever it exits (autorestart, max_restarts, restart_delay, backoff)"));
    }

    // ---- memory and CPUs ----------------------------------------------------------------------

    void memLimit(ComposeValue v) {
        memLimit = memory(v, field("mem_limit"));
    }

    void cpusKey(ComposeValue v) {
        cpusKey = cpus(v, field("cpus"));
    }

    /** Docker's sizes: a number of bytes, or with b, k, m, g (an optional b after), powers of 1024. */
    private String memory(ComposeValue v, String field) {
        Matcher m = MEMORY.matcher(v.text() == null ? "" : v.text().strip());
        if (!m.matches()) {
            notes.add(v.note(field, "expected a size like 512m or 2g, got " + v.shown() + "; not mapped"));
            return null;
        }
        int shift = "bkmgt".indexOf(m.group(2).isEmpty() ? "b" : m.group(2).toLowerCase(Locale.ROOT)) * 10;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
        if (bytes < 6 * 1024 * 1024) {
            notes.add(v.note(field, v.shown() + " is under 6M, which engines refuse; not mapped"));
            return null;
        }
        if (bytes > Long.MAX_VALUE / 2) {
            notes.add(v.note(field, v.shown() + " is too large; not mapped"));
            return null;
        }
        long b = Math.round(bytes);
        // the largest unit that divides it exactly, rounded to KiB so that 1.5g is 1536M, not 1610612736B
        return Sizes.format(b % 1024 == 0 ? b : (b / 1024 + 1) * 1024);
    }

    private String cpus(ComposeValue v, String field) {
        String s = v.text() == null ? "" : v.text().strip();
        try {
            double d = Double.parseDouble(s);
            if (d > 0 && d <= 4096) return s;
        } catch (NumberFormatException e) {
            // said below
        }
        notes.add(v.note(field, "expected a number of CPU cores > 0, got " + v.shown() + "; not mapped"));
        return null;
    }

    // ---- GPUs -----------------------------------------------------------------------------------

    void runtime(ComposeValue v) {
        String r = v.text() == null ? "" : v.text().strip();
        if (r.equals("nvidia")) {
            nvidiaRuntime = true;
        } else if (r.matches("[A-Za-z0-9_.-]+")) {
            engineArgs.add("--runtime=" + r);
        } else {
            notes.add(v.note(field("runtime"), "expected a runtime name, got " + v.shown() + "; not mapped"));
        }
    }

    /** gpus: all, or a list of {count, device_ids, driver, capabilities} (Compose 2.30). */
    void gpusKey(ComposeValue v) {
        if ("all".equals(v.text())) {
            gpus = "all";
        } else {
            reservedDevices(v, field("gpus"));
        }
    }

    /**
     * deploy.resources.reservations.devices, gpus: and device_requests (Docker's API names, which some
     * files use: Count, DeviceIDs, Capabilities as a list of lists): the entries that ask for GPUs.
     */
    void reservedDevices(ComposeValue list, String field) {
        if (!list.isList()) {
            notes.add(list.note(field, "expected a list, got " + list.shown() + "; not mapped"));
            return;
        }
        for (int i = 0; i < list.list().size(); i++) {
            ComposeValue d = list.list().get(i);
            String f = field + "[" + i + "]";
            ComposeValue caps = either(d, "capabilities", "Capabilities");
            ComposeValue driver = either(d, "driver", "Driver");
            boolean gpu = caps == null ? driver != null && "nvidia".equals(driver.text()) : flatten(caps).contains("gpu");
            if (!gpu) {
                notes.add(d.note(f, "not mapped: only GPU devices (capabilities: [gpu]) have a Berth equivalent (container.gpus)"));
                continue;
            }
            ComposeValue ids = either(d, "device_ids", "DeviceIDs");
            ComposeValue count = either(d, "count", "Count");
            if (ids != null && !ids.list().isEmpty()) {
                List<String> out = new ArrayList<>();
                for (ComposeValue id : ids.list()) {
                    if (id.text() != null) out.add(id.text().strip());
                }
                gpus = List.copyOf(out);
            } else if (count == null || "all".equals(count.text()) || "-1".equals(count.text())) {
                gpus = "all"; // Docker's API writes all as -1
            } else if (count.text() != null && count.text().strip().matches("[1-9]\\d?")) {
                gpus = count.text().strip();
            } else {
                notes.add(count.note(f + ".count", "expected all or a number of GPUs, got " + count.shown() + "; not mapped"));
            }
        }
    }

    /** devices: GPUs (/dev/nvidiaN, CDI nvidia.com/gpu=...) become container.gpus, others --device= options. */
    void devices(ComposeValue list) {
        String field = field("devices");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.list().size(); i++) {
            ComposeValue d = list.list().get(i);
            String spec = d.isMap() ? text(d.get("source")) + (d.get("target") == null ? "" : ":" + text(d.get("target")))
                    + (d.get("permissions") == null ? "" : ":" + text(d.get("permissions"))) : d.text();
            if (spec == null || spec.isBlank()) {
                notes.add(d.note(field + "[" + i + "]", "expected a device, got " + d.shown() + "; not mapped"));
                continue;
            }
            String host = ComposeValue.splitColons(spec).get(0);
            Matcher cdi = CDI_GPU.matcher(spec.strip());
            Matcher nvidia = NVIDIA_DEVICE.matcher(host);
            if (cdi.matches()) {
                if (cdi.group(1).equals("all")) gpus = "all";
                else ids.add(cdi.group(1));
            } else if (nvidia.matches()) {
                ids.add(nvidia.group(1));
            } else if (!NVIDIA_CONTROL.matcher(host).matches()) {
                engineArgs.add("--device=" + spec.strip());
            }
        }
        if (!ids.isEmpty() && !"all".equals(gpus)) gpus = List.copyOf(ids);
    }

    private static String text(ComposeValue v) {
        return v == null || v.text() == null ? "" : v.text();
    }

    private static ComposeValue either(ComposeValue m, String a, String b) {
        return m.get(a) != null ? m.get(a) : m.get(b);
    }

    /** [gpu, utility] or Docker's [[gpu, utility]]: the words. */
    private static List<String> flatten(ComposeValue v) {
        List<String> out = new ArrayList<>();
        if (v.text() != null) out.add(v.text());
        for (ComposeValue item : v.list()) out.addAll(flatten(item));
        return out;
    }
}
