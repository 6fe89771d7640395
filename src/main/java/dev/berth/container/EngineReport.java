package dev.berth.container;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Executables;
import dev.berth.exec.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What `berth doctor` says of the container engines: which are there, whether each can run a
 * container here, and whether GPUs are visible to them.
 *
 * @param engine  "podman" or "docker"
 * @param ok      it can be used
 * @param detail  its version and runtime, or what is wrong
 * @param fix     what to do about it, or null
 */
public record EngineReport(String engine, boolean ok, String detail, String fix) {

    /** One report per engine on PATH (none when neither is), and one for GPUs when a GPU driver is there. */
    public static List<EngineReport> examine(Path sysRoot) {
        List<EngineReport> out = new ArrayList<>();
        Executables.onPath("podman").ifPresent(p -> out.add(podman(p, sysRoot)));
        Executables.onPath("docker").ifPresent(p -> out.add(docker(p)));
        gpus(sysRoot).ifPresent(out::add);
        return out;
    }

    private static EngineReport podman(Path bin, Path sysRoot) {
        CommandResult r = run(List.of(bin.toString(), "info", "--format", "{{.Version.Version}} {{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}}"));
        if (r == null || !r.ok()) {
            return new EngineReport("podman", false, "installed, but `podman info` fails: " + firstLine(r), "run `podman info` to see why");
        }
        String[] f = r.output().strip().split(" ");
        String runtime = f.length > 1 ? f[1] : "?";
        String detail = "podman " + f[0] + ", runtime " + runtime + ", cgroups " + (f.length > 2 ? f[2] : "?");
        // crun refuses a host that mounts cgroup v1 controllers and a v2 hierarchy with controllers of its own (seen on VMs)
        if (runtime.equals("crun") && hybridCgroups(sysRoot)) {
            return new EngineReport("podman", false, detail + ": crun refuses this host's hybrid cgroup layout (\"cgroups in hybrid mode not supported\")",
                    "install runc and set runtime = \"runc\" under [engine] in /etc/containers/containers.conf");
        }
        return new EngineReport("podman", true, detail, null);
    }

    private static EngineReport docker(Path bin) {
        CommandResult r = run(List.of(bin.toString(), "info", "--format", "{{.ServerVersion}}"));
        if (r == null || !r.ok() || r.output().isBlank()) {
            return new EngineReport("docker", false, "the client is installed, but no Docker engine answers: " + firstLine(r),
                    "start dockerd (systemctl start docker), or use podman");
        }
        return new EngineReport("docker", true, "docker engine " + r.output().strip(), null);
    }

    /** GPUs, when NVIDIA's driver is there: whether the container toolkit's CDI description exists for Podman. */
    private static java.util.Optional<EngineReport> gpus(Path sysRoot) {
        if (!Files.exists(sysRoot.resolve("proc/driver/nvidia")) && Executables.onPath("nvidia-smi").isEmpty()) return java.util.Optional.empty();
        boolean cdi = Stream.of("etc/cdi", "var/run/cdi").map(sysRoot::resolve).anyMatch(d -> {
            try (Stream<Path> files = Files.list(d)) {
                return files.anyMatch(p -> p.getFileName().toString().startsWith("nvidia"));
            } catch (IOException e) {
                return false;
            }
        });
        boolean toolkit = Executables.onPath("nvidia-container-toolkit").isPresent() || Executables.onPath("nvidia-ctk").isPresent();
        if (cdi) return java.util.Optional.of(new EngineReport("gpus", true, "NVIDIA driver and a CDI description (nvidia.com/gpu)", null));
        return java.util.Optional.of(new EngineReport("gpus", false, "NVIDIA driver present, but no CDI description of its GPUs"
                + (toolkit ? "" : " and no nvidia-container-toolkit"),
                (toolkit ? "" : "install nvidia-container-toolkit, then ") + "run `nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`"));
    }

    static boolean hybridCgroups(Path sysRoot) {
        Path unified = sysRoot.resolve("sys/fs/cgroup/unified/cgroup.controllers");
        try {
            return Files.exists(sysRoot.resolve("sys/fs/cgroup/memory")) && Files.exists(unified) && !Files.readString(unified).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static CommandResult run(List<String> argv) {
        try {
            return CommandRunner.local().run(Command.of(argv).withOutput(Output.capturedWithErrors(64 * 1024)).withTimeout(Duration.ofSeconds(15)));
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstLine(CommandResult r) {
        if (r == null) return "it could not be run";
        String text = (r.errors() + "\n" + r.output()).strip();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
