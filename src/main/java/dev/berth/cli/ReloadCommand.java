package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "reload", description = {"Reload apps one instance at a time, without downtime.", "The next instance is replaced only after the new one is ready. When a new instance never", "becomes ready the reload stops there: that instance is brought back on the previous", "config, the others keep running it, and berth exits 1."})
final class ReloadCommand extends AppVerbCommand {
    ReloadCommand() {
        super("reload");
    }
}
