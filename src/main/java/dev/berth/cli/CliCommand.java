package dev.berth.cli;

/** One `berth` command: what it accepts (its {@link Spec}) and what it does with a parsed command line. */
interface CliCommand {
    Spec spec();

    /** Returns the exit code; throws {@link CliException} to end with a message. */
    int run(Parsed args) throws Exception;
}
