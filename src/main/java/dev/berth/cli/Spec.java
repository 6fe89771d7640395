package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What a command accepts and what its `--help` says: options, positional parameters and
 * subcommands, declared as data. (Berth parses its own command line: picocli, the usual choice,
 * costs about 120 ms of class loading on every call, more than the whole budget of a CLI call.)
 */
final class Spec {
    final String name;
    final List<String> aliases = new ArrayList<>();
    final String summary;
    final List<String> details = new ArrayList<>();
    final List<Opt> options = new ArrayList<>();
    final List<Pos> positionals = new ArrayList<>();
    final List<CliCommand> subcommands = new ArrayList<>();

    /** An option: a flag when paramLabel is null, else it takes a value (`--env X` or `--env=X`). */
    record Opt(List<String> names, String paramLabel, String description, String defaultValue) {
        String longest() {
            return names.stream().reduce((a, b) -> b.length() > a.length() ? b : a).orElseThrow();
        }
    }

    /** Positional parameters, min..max of them (max -1 for any number). */
    record Pos(String label, int min, int max, String description) { }

    Spec(String name, String summary) {
        this.name = name;
        this.summary = summary;
    }

    Spec alias(String... names) {
        aliases.addAll(List.of(names));
        return this;
    }

    Spec details(String... lines) {
        details.addAll(List.of(lines));
        return this;
    }

    Spec flag(String names, String description) {
        options.add(new Opt(names(names), null, description, null));
        return this;
    }

    Spec option(String names, String paramLabel, String description) {
        return option(names, paramLabel, description, null);
    }

    Spec option(String names, String paramLabel, String description, String defaultValue) {
        options.add(new Opt(names(names), paramLabel, description, defaultValue));
        return this;
    }

    Spec json() {
        return flag("--json", "Print JSON on stdout instead of text.");
    }

    Spec positional(String label, int min, int max, String description) {
        positionals.add(new Pos(label, min, max, description));
        return this;
    }

    Spec subcommand(CliCommand c) {
        subcommands.add(c);
        return this;
    }

    boolean answersTo(String word) {
        return name.equals(word) || aliases.contains(word);
    }

    Opt findOption(String name) {
        for (Opt o : options) if (o.names().contains(name)) return o;
        return null;
    }

    /** "-n, --lines" as its names; by hand, since a regex split costs every CLI call a Pattern compile. */
    private static List<String> names(String names) {
        List<String> out = new ArrayList<>();
        for (String n : names.split(",")) out.add(n.strip());
        return List.copyOf(out);
    }
}
