package dev.berth.cli;

import java.util.List;

/** `berth check`'s answer, from the daemon or run here: the health the checks add up to, and each check. alerted: null unless asked to alert. */
record CheckResults(String health, List<Check> checks, String alerted) {
    record Check(String name, String kind, String state, String message) { }

    static CheckResults of(Reply r) {
        return new CheckResults(r.string("health"), r.list("checks").stream()
                .map(c -> new Check(c.string("name"), c.string("kind"), c.string("state"), c.string("message"))).toList(), r.string("alerted"));
    }
}
