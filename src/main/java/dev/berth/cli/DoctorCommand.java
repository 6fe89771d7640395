package dev.berth.cli;

import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.doctor.Doctor;
import dev.berth.doctor.Finding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth doctor`: is this machine ready to serve the berth.yml? Reads only, changes nothing. */
final class DoctorCommand implements CliCommand {
    private final Spec spec = new Spec("doctor", "Check this server before it takes traffic; each finding says what fixes it.")
            .details("  nginx and its version, the public ports (free or Berth's nginx), ulimit -n, net.core.somaxconn,",
                    "  fs.file-max, swap, free disk and inodes on BERTH_HOME and each release and backup path, clock",
                    "  sync, the firewall (ufw) for the public ports, the dump tools the backups need, the systemd unit.",
                    "  Exits 0 when all is OK, 1 on a warning, 2 on a failure (as `berth check`). Needs no daemon.")
            .option("-c, --config", "FILE", "The berth.yml (default ./berth.yml; without one, only what needs none).")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Path config = CommandEnvironment.config(args.path("--config"));
        BerthFile file = config == null ? null
                : new BerthFileLoader(CommandEnvironment.referencedVariables(config), CommandEnvironment.home().logs()).load(config, null);
        List<Finding> findings = new Doctor(CommandEnvironment.home().dir(), Path.of("/proc")).examine(file);
        int exit = Doctor.exitCode(findings);
        if (args.flag("--json")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("check", f.check());
                m.put("state", f.state().name());
                m.put("detail", f.detail());
                m.put("fix", f.fix());
                out.add(m);
            }
            Output.json(Map.of("findings", out, "config", config == null ? "" : config.toString()));
            return exit;
        }
        for (Finding f : findings) {
            Output.out(String.format("%-8s %-28s %s", f.state().name(), f.check(), f.detail()));
            if (f.fix() != null) Output.out(String.format("%-8s %-28s fix: %s", "", "", f.fix()));
        }
        long warnings = findings.stream().filter(f -> f.state() == Finding.State.WARNING).count();
        long failures = findings.stream().filter(f -> f.state() == Finding.State.FAIL).count();
        Output.out("\n" + (failures > 0 ? "FAIL" : warnings > 0 ? "WARNING" : "OK") + ": " + findings.size() + " checks, " + warnings + " warning(s), "
                + failures + " failure(s)" + (config == null ? " (no berth.yml here: pass -c FILE for its ports, paths and backups)" : ""));
        return exit;
    }
}
