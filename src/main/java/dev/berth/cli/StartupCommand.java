package dev.berth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class StartupCommand implements CliCommand {
    private final Spec spec = new Spec("startup", "Write a systemd unit for the daemon and print how to enable it.")
            .details("At boot the daemon brings back every app that should run. KillMode=process: stopping",
                    "the unit never stops apps. As root it goes to /etc/systemd/system/berth.service,",
                    "else to ~/.config/systemd/user/berth.service.")
            .option("-o, --output", "FILE", "Write the unit here instead.")
            .flag("--print", "Only print the unit to stdout.")
            .option("--user", "NAME", "System unit: run the daemon as this user (default: the current user).");

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Path output = args.path("--output");
        user = args.value("--user");
        boolean root = "root".equals(System.getProperty("user.name"));
        String unit = unit(root);
        if (args.flag("--print")) {
            Output.out(unit);
            return ExitCodes.OK;
        }
        Path target = output != null ? output
                : root ? Path.of("/etc/systemd/system/berth.service")
                : Path.of(System.getProperty("user.home"), ".config/systemd/user/berth.service");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, unit);
        Output.err("wrote " + target);
        if (output == null && root) {
            Output.err("enable it with:\n  systemctl daemon-reload && systemctl enable --now berth");
        } else if (output == null) {
            Output.err("enable it with:\n  systemctl --user daemon-reload && systemctl --user enable --now berth"
                    + "\n  loginctl enable-linger " + System.getProperty("user.name") + "   # so it starts at boot, not at login");
        }
        return ExitCodes.OK;
    }

    private String user;

    String unit(boolean root) {
        String java = ProcessHandle.current().info().command().orElse("/usr/bin/java");
        String cp = Path.of(System.getProperty("java.class.path").split(":")[0]).toAbsolutePath().toString();
        List<String> exec = new ArrayList<>(List.of(java));
        exec.addAll(DaemonJvm.OPTIONS);
        exec.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.berth.cli.Main", "daemon", "run"));
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by `berth startup` for BERTH_HOME=").append(CommandEnvironment.home().dir()).append(" (").append(cp).append(")\n");
        sb.append("[Unit]\nDescription=Berth daemon: keeps the apps of berth.yml running\nAfter=network-online.target\nWants=network-online.target\n\n");
        sb.append("[Service]\nType=simple\n");
        if (root && user != null) sb.append("User=").append(user).append('\n');
        sb.append("Environment=BERTH_HOME=").append(CommandEnvironment.home().dir()).append('\n');
        sb.append("ExecStart=").append(String.join(" ", exec)).append('\n');
        sb.append("# Apps run in their own sessions and must outlive the daemon: only the daemon is stopped.\n");
        sb.append("KillMode=process\nRestart=always\nRestartSec=2\n");
        sb.append("# nginx and the apps inherit it: a busy server runs out of the default 1024 (EMFILE)\nLimitNOFILE=65535\n\n");
        sb.append("[Install]\nWantedBy=").append(root ? "multi-user.target" : "default.target").append('\n');
        return sb.toString();
    }
}
