package dev.berth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A command line parsed against a {@link Spec}: option values by their longest name, and the positionals. */
final class Parsed {
    private final Spec spec;
    private final Map<String, String> values = new HashMap<>();
    /** Every value of each option, in order, for the options that may be repeated. */
    private final Map<String, List<String>> repeated = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    Parsed(Spec spec) {
        this.spec = spec;
    }

    void set(Spec.Opt opt, String value) {
        values.put(opt.longest(), value);
        repeated.computeIfAbsent(opt.longest(), k -> new ArrayList<>()).add(value);
    }

    void addPositional(String value) {
        positionals.add(value);
    }

    List<String> positionals() {
        return positionals;
    }

    String positional(int i) {
        return i < positionals.size() ? positionals.get(i) : null;
    }

    boolean flag(String name) {
        return values.containsKey(opt(name).longest());
    }

    String value(String name) {
        Spec.Opt o = opt(name);
        return values.getOrDefault(o.longest(), o.defaultValue());
    }

    /** Every value given for an option that may be repeated (-f a -f b), in order; the last one is {@link #value}. */
    List<String> values(String name) {
        return List.copyOf(repeated.getOrDefault(opt(name).longest(), List.of()));
    }

    Path path(String name) {
        String v = value(name);
        return v == null ? null : Path.of(v);
    }

    int integer(String name) {
        String v = value(name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "berth " + spec.name + ": " + name + " expects a whole number, got \"" + v + "\"");
        }
    }

    double decimal(String name) {
        String v = value(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "berth " + spec.name + ": " + name + " expects a number, got \"" + v + "\"");
        }
    }

    private Spec.Opt opt(String name) {
        Spec.Opt o = spec.findOption(name);
        if (o == null) throw new IllegalArgumentException("no option " + name + " in " + spec.name); // a bug in a command
        return o;
    }
}
