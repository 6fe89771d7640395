package dev.berth.access;

import java.util.Locale;

/** What a dashboard user may do: a viewer reads, an operator also acts (see {@link AccessPolicy}). */
public enum Role {
    VIEWER, OPERATOR;

    /** "viewer" or "operator", as written in users.json, on the command line and in the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a label names; IllegalArgumentException saying which there are. */
    public static Role parse(String label) {
        for (Role r : values()) if (r.label().equals(label)) return r;
        throw new IllegalArgumentException("unknown role " + (label == null ? "(none)" : "\"" + label + "\"") + "; roles: viewer, operator");
    }
}
