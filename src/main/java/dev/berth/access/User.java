package dev.berth.access;

/** A named dashboard user as kept in users.json. The hash is never shown (toString prints ***). */
public record User(String name, Role role, String passwordHash) {
    public User {
        UsersFile.requireValidName(name);
        if (role == null) throw new IllegalArgumentException("user " + name + " needs a role");
        if (!PasswordHasher.wellFormed(passwordHash)) throw new IllegalArgumentException("user " + name + " has no valid Argon2id password hash");
    }

    public Principal principal() {
        return new Principal(name, role);
    }

    @Override public String toString() {
        return "User[name=" + name + ", role=" + role.label() + ", passwordHash=***]";
    }
}
