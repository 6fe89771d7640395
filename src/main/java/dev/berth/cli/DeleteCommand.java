package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "delete", description = {"Stop apps and forget them."})
final class DeleteCommand extends AppVerbCommand {
    DeleteCommand() {
        super("delete");
    }
}
