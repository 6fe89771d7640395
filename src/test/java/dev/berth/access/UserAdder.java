package dev.berth.access;

import java.nio.file.Path;

/** A second process that adds users to BERTH_HOME/users.json: `UserAdder PREFIX COUNT`. */
final class UserAdder {
    private UserAdder() { }

    public static void main(String[] args) throws Exception {
        UsersFile users = new UsersFile(Path.of(System.getenv("BERTH_HOME")), PasswordHasher.owasp());
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < count; i++) users.add(args[0] + "-" + i, Role.VIEWER, ("password of " + args[0] + i).toCharArray());
    }
}
