package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the help promises, against what the commands do. */
class HelpIT extends BerthIT {

    /**
     * A reload stops an instance that has a port before its replacement starts (the port is the
     * old process's until then): with one instance, or without a proxy in front of several, that
     * port answers nothing for a while. The help must not promise more (ReloadIT tests the rest).
     */
    @Test void reloadClaimsNoMoreThanItDoes() {
        String top = berth.ok("--help").out();
        String reload = berth.ok("reload", "--help").out();
        for (String help : new String[] {top, reload}) {
            assertFalse(help.toLowerCase().contains("without downtime"), help);
            assertFalse(help.toLowerCase().contains("zero downtime"), help);
        }
        assertTrue(reload.contains("one at a time"), reload);
        assertTrue(reload.contains("port") && reload.contains("proxy"), "says when a port goes quiet: " + reload);
        assertTrue(reload.contains("without a port"), "says which instances start beside the old one: " + reload);
    }
}
