package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "stop", description = {"Stop apps (the whole process tree).", "Sends stop_signal, then SIGKILL after kill_timeout. Stopped apps stay registered and stay", "stopped across daemon restarts and reboots."})
final class StopCommand extends AppVerbCommand {
    StopCommand() {
        super("stop");
    }
}
