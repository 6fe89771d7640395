package dev.berth.monitor;

import java.util.List;

/** A set of checks run once: the health they add up to, each outcome, and (when asked to alert) what was sent where. */
public record CheckReport(Health health, List<CheckRunner.Outcome> checks, String alerted) {
    public static CheckReport of(List<CheckRunner.Outcome> outcomes) {
        return new CheckReport(Health.of(outcomes.stream().map(o -> o.result().state()).toList()), outcomes, null);
    }

    public CheckReport alerted(String said) {
        return new CheckReport(health, checks, said);
    }
}
