package dev.berth.exec;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The environment a command gets: the daemon's (inherited) or none, less some variables, plus
 * others. A value, so that a built command can be compared in a test without running it.
 *
 * @param inherit whether the daemon's own environment is the starting point
 * @param removed names taken out of the inherited environment
 * @param added   variables set on top (they win over inherited ones)
 */
public record Environment(boolean inherit, Set<String> removed, Map<String, String> added) {
    public Environment {
        removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed == null ? Set.of() : removed));
        added = Collections.unmodifiableMap(new LinkedHashMap<>(added == null ? Map.of() : added));
    }

    /** The daemon's environment as it is. */
    public static Environment inherited() {
        return new Environment(true, Set.of(), Map.of());
    }

    /** Exactly these variables and no others. */
    public static Environment only(Map<String, String> variables) {
        return new Environment(false, Set.of(), variables);
    }

    /** This environment with variables set on top. */
    public Environment plus(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(added);
        all.putAll(variables);
        return new Environment(inherit, removed, all);
    }

    /** This environment without the inherited variables of these names. */
    public Environment minus(Collection<String> names) {
        Set<String> all = new LinkedHashSet<>(removed);
        all.addAll(names);
        return new Environment(inherit, all, added);
    }

    /** Turns a process builder's environment (a copy of the daemon's) into this one. */
    void applyTo(Map<String, String> environment) {
        if (!inherit) environment.clear();
        removed.forEach(environment::remove);
        environment.putAll(added);
    }

    /** The PATH the command will see; null when it has none. */
    String path() {
        if (added.containsKey("PATH")) return added.get("PATH");
        return inherit && !removed.contains("PATH") ? System.getenv("PATH") : null;
    }
}
