package dev.berth.cli;

import picocli.CommandLine.Option;

/** The shared `--json` flag: machine-readable output on stdout. */
final class JsonOption {
    @Option(names = "--json", description = "Print JSON on stdout instead of a table.")
    boolean json;
}
