package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(name = "restart", description = {"Stop every instance, then start them again with the current berth.yml and env_file.", "Exits 1 when an instance does not become ready."})
final class RestartCommand extends AppVerbCommand {
    RestartCommand() {
        super("restart");
    }
}
