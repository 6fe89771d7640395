package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(name = "stop", description = {"Stop apps: the stop signal to the whole process tree, SIGKILL after kill_timeout.", "They stay registered, and stay stopped across daemon restarts and reboots."})
final class StopCommand extends AppVerbCommand {
    StopCommand() {
        super("stop");
    }
}
