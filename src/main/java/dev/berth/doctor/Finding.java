package dev.berth.doctor;

/**
 * One line of `berth doctor`.
 *
 * @param check  what was looked at ("nginx", "port 80", "ulimit -n")
 * @param state  OK, WARNING or FAIL
 * @param detail what was found
 * @param fix    the command (or step) that fixes it, or null when OK
 */
public record Finding(String check, State state, String detail, String fix) {
    public enum State { OK, WARNING, FAIL }

    static Finding ok(String check, String detail) {
        return new Finding(check, State.OK, detail, null);
    }

    static Finding warning(String check, String detail, String fix) {
        return new Finding(check, State.WARNING, detail, fix);
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(check, State.FAIL, detail, fix);
    }
}
