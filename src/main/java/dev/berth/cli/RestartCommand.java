package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "restart", description = {"Restart apps with the current berth.yml and env_file.", "Stops every instance, then starts them again. Exits 1 when an instance does not become ready."})
final class RestartCommand extends AppVerbCommand {
    RestartCommand() {
        super("restart");
    }
}
