package dev.berth.access;

/**
 * Who a request acts as: a named user, or {@link #TOKEN} for a dashboard login with the daemon's
 * token. This is the "who" of the audit log.
 */
public record Principal(String name, Role role) {
    /** A login with the daemon's own token: it can do what the CLI can. */
    public static final Principal TOKEN = new Principal("token", Role.OPERATOR);
    /** A request that carried the token as a bearer header: the CLI (or a script). */
    public static final Principal CLI = new Principal("cli", Role.OPERATOR);

    public Principal {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a principal needs a name");
        if (role == null) throw new IllegalArgumentException("a principal needs a role");
    }
}
