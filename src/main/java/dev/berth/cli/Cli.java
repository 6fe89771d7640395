package dev.berth.cli;

import dev.berth.text.Suggestions;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses `berth …` against the commands' {@link Spec}s, prints help, and runs the chosen
 * command. Errors in the command line exit 2 with what was wrong and, for a misspelt command
 * or option, what was probably meant.
 */
final class Cli {
    private static final int WIDTH = 100;

    private final String program;
    private final List<String> description;
    private final List<CliCommand> commands;
    private final List<String> footer;

    Cli(String program, List<String> description, List<CliCommand> commands, List<String> footer) {
        this.program = program;
        this.description = description;
        this.commands = commands;
        this.footer = footer;
    }

    int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            Output.out(topHelp());
            return ExitCodes.OK;
        }
        if (args[0].equals("-V") || args[0].equals("--version")) {
            Output.out(Main.version());
            return ExitCodes.OK;
        }
        if (args[0].equals("help")) {
            if (args.length == 1) {
                Output.out(topHelp());
                return ExitCodes.OK;
            }
            CliCommand c = command(args[1]);
            Output.out(help(List.of(program), c.spec()));
            return ExitCodes.OK;
        }
        CliCommand c = command(args[0]);
        return dispatch(List.of(program, c.spec().name), c, args, 1);
    }

    private CliCommand command(String word) {
        for (CliCommand c : commands) if (c.spec().answersTo(word)) return c;
        List<String> names = commands.stream().map(c -> c.spec().name).toList();
        String hint = word.startsWith("-") ? "" : Suggestions.didYouMean(word, names);
        throw new CliException(ExitCodes.USAGE, (word.startsWith("-") ? "unknown option " : "unknown command ") + word + hint
                + "\nRun `" + program + " --help` for the commands.");
    }

    private int dispatch(List<String> path, CliCommand c, String[] args, int from) throws Exception {
        Spec spec = c.spec();
        if (!spec.subcommands.isEmpty()) {
            if (from >= args.length || args[from].equals("-h") || args[from].equals("--help")) {
                Output.out(help(path.subList(0, path.size() - 1), spec));
                return from >= args.length ? ExitCodes.USAGE : ExitCodes.OK;
            }
            for (CliCommand sub : spec.subcommands) {
                if (sub.spec().answersTo(args[from])) {
                    List<String> p = new ArrayList<>(path);
                    p.add(sub.spec().name);
                    return dispatch(p, sub, args, from + 1);
                }
            }
            List<String> names = spec.subcommands.stream().map(s -> s.spec().name).toList();
            throw new CliException(ExitCodes.USAGE, "unknown command " + String.join(" ", path.subList(1, path.size())) + " " + args[from]
                    + Suggestions.didYouMean(args[from], names) + "; one of: " + String.join(", ", names));
        }
        Parsed parsed = new Parsed(spec);
        String usage = "Run `" + String.join(" ", path) + " --help` for usage.";
        String where = String.join(" ", path.subList(1, path.size())); // Main prefixes "berth: "
        boolean onlyPositionals = false;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (onlyPositionals || !a.startsWith("-") || a.equals("-")) {
                parsed.addPositional(a);
                continue;
            }
            if (a.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                Output.out(help(path.subList(0, path.size() - 1), spec));
                return ExitCodes.OK;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            Spec.Opt opt = spec.findOption(name);
            if (opt == null) {
                List<String> names = spec.options.stream().flatMap(o -> o.names().stream()).toList();
                throw new CliException(ExitCodes.USAGE, where + ": unknown option " + name
                        + Suggestions.didYouMean(name, names) + "\n" + usage);
            }
            if (opt.paramLabel() == null) {
                if (value != null) throw new CliException(ExitCodes.USAGE, where + ": " + name + " takes no value\n" + usage);
                parsed.set(opt, "true");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new CliException(ExitCodes.USAGE, where + ": " + name + " needs a value (" + opt.paramLabel() + ")\n" + usage);
                }
                value = args[++i];
            }
            parsed.set(opt, value);
        }
        checkPositionals(where, spec, parsed.positionals().size(), usage);
        return c.run(parsed);
    }

    private static void checkPositionals(String where, Spec spec, int given, String usage) {
        int min = 0;
        int max = 0;
        for (Spec.Pos p : spec.positionals) {
            min += p.min();
            max = max < 0 || p.max() < 0 ? -1 : max + p.max();
        }
        if (given < min) {
            String missing = spec.positionals.stream().filter(p -> p.min() > 0).map(Spec.Pos::label).reduce((a, b) -> a + " " + b).orElse("");
            throw new CliException(ExitCodes.USAGE, where + ": missing " + missing + "\n" + usage);
        }
        if (max >= 0 && given > max) {
            throw new CliException(ExitCodes.USAGE, where + ": too many arguments (at most " + max + ")\n" + usage);
        }
    }

    // ---- help -----------------------------------------------------------------------------

    private String topHelp() {
        StringBuilder sb = new StringBuilder("Usage: " + program + " COMMAND [OPTIONS] [ARGS]\n");
        description.forEach(l -> sb.append(l).append('\n'));
        sb.append("\nCommands:\n");
        int w = commands.stream().mapToInt(c -> label(c.spec().name, c.spec().aliases).length()).max().orElse(10) + 2;
        for (CliCommand c : commands) sb.append("  ").append(pad(label(c.spec().name, c.spec().aliases), w)).append(c.spec().summary).append('\n');
        sb.append("  ").append(pad("help COMMAND", w)).append("Help on one command (also: COMMAND --help).\n");
        sb.append("\nOptions:\n  -h, --help     This help.\n  -V, --version  Berth's version.\n");
        footer.forEach(l -> sb.append(l).append('\n'));
        return sb.toString().stripTrailing();
    }

    static String help(List<String> parents, Spec spec) {
        String path = String.join(" ", parents) + " " + spec.name;
        StringBuilder sb = new StringBuilder("Usage: " + path);
        if (!spec.subcommands.isEmpty()) sb.append(" COMMAND");
        if (!spec.options.isEmpty()) sb.append(" [OPTIONS]");
        for (Spec.Pos p : spec.positionals) {
            String l = p.label() + (p.max() != 1 ? "..." : "");
            sb.append(' ').append(p.min() == 0 ? "[" + l + "]" : l);
        }
        sb.append('\n').append(spec.summary).append('\n');
        if (!spec.aliases.isEmpty()) sb.append("Also: ").append(String.join(", ", spec.aliases)).append('\n');
        if (!spec.details.isEmpty()) {
            sb.append('\n');
            spec.details.forEach(l -> sb.append(l).append('\n'));
        }
        List<String[]> rows = new ArrayList<>();
        for (Spec.Pos p : spec.positionals) rows.add(new String[] {p.label(), p.description()});
        for (Spec.Opt o : spec.options) {
            String names = String.join(", ", o.names()) + (o.paramLabel() == null ? "" : " " + o.paramLabel());
            rows.add(new String[] {names, o.description() + (o.defaultValue() == null ? "" : " (default " + o.defaultValue() + ")")});
        }
        rows.add(new String[] {"-h, --help", "This help."});
        for (CliCommand sub : spec.subcommands) rows.add(new String[] {sub.spec().name, sub.spec().summary});
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10) + 2;
        sb.append('\n').append(spec.subcommands.isEmpty() ? (spec.positionals.isEmpty() ? "Options:\n" : "Arguments and options:\n") : "Commands and options:\n");
        for (String[] r : rows) sb.append(wrap("  " + pad(r[0], w), r[1])).append('\n');
        return sb.toString().stripTrailing();
    }

    private static String label(String name, List<String> aliases) {
        return aliases.isEmpty() ? name : name + ", " + String.join(", ", aliases);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }

    /** The text after a fixed-width first column, wrapped at WIDTH and indented under itself. */
    private static String wrap(String first, String text) {
        StringBuilder sb = new StringBuilder(first);
        int col = first.length();
        for (String word : text.split(" ")) {
            if (col + word.length() + 1 > WIDTH && col > first.length()) {
                sb.append('\n').append(" ".repeat(first.length()));
                col = first.length();
            } else if (col > first.length()) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.toString();
    }
}
