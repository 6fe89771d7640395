package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `berth user ...` as a process: exit codes, stdout, stderr and what it leaves in BERTH_HOME, under umask 000. */
class UserCommandTest {
    @TempDir Path dir;

    private Children.Exit berth(String stdin, String... args) throws Exception {
        return Children.run("000", dir.resolve("home"), stdin, UserCli.class, args);
    }

    @Test void addListRemove() throws Exception {
        Children.Exit add = berth("alice's long password\n", "user", "add", "alice", "--role", "operator", "--password-stdin");
        assertEquals(0, add.code(), add.stderr());
        assertEquals("ok     user alice added (operator)\n", add.stdout());
        assertEquals(0, berth("bob's long password!\r\n", "user", "add", "bob", "--password-stdin").code(), "viewer by default");

        Path home = dir.resolve("home");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("users.json"))));
        UsersFile users = new UsersFile(home, PasswordHasher.owasp());
        assertTrue(users.authenticate("alice", "alice's long password".toCharArray()).isPresent(), "the newline is not part of it");
        assertTrue(users.authenticate("bob", "bob's long password!".toCharArray()).isPresent(), "nor \\r\\n");

        Children.Exit list = berth(null, "user", "list", "--json");
        assertEquals(0, list.code(), list.stderr());
        assertEquals(List.of(Map.of("name", "alice", "role", "operator"), Map.of("name", "bob", "role", "viewer")), Json.readList(list.stdout()));
        assertFalse(list.stdout().contains("argon2"));
        Children.Exit table = berth(null, "user", "ls");
        assertEquals("NAME   ROLE\nalice  operator\nbob    viewer\n", table.stdout());

        Children.Exit rm = berth(null, "user", "remove", "alice");
        assertEquals(0, rm.code(), rm.stderr());
        assertEquals("ok     user alice removed\n", rm.stdout());
        Children.Exit again = berth(null, "user", "remove", "alice");
        assertEquals(4, again.code());
        assertEquals("berth: no user \"alice\"; users: bob\n", again.stderr());
    }

    @Test void aUserThatExistsIsNotReplaced() throws Exception {
        assertEquals(0, berth("alice's long password\n", "user", "add", "alice", "--password-stdin").code());
        Children.Exit e = berth("another long password\n", "user", "add", "alice", "--role", "operator", "--password-stdin");
        assertEquals(1, e.code());
        assertTrue(e.stderr().contains("user alice exists; `berth user remove alice` first"), e.stderr());
    }

    @Test void badInputExitsTwoSayingWhatIsWrongAndWritesNothing() throws Exception {
        assertEquals("berth: user add: a password needs at least 12 characters\n", berth("short\n", "user", "add", "alice", "--password-stdin").stderr());
        assertEquals("berth: user add: --password-stdin reads one line; stdin has more\n",
                berth("line one is long\nline two\n", "user", "add", "alice", "--password-stdin").stderr());
        assertEquals("berth: user add: a password may have at most 1024 bytes\n", berth("x".repeat(1025), "user", "add", "alice", "--password-stdin").stderr());
        assertEquals("berth: user add: stdin held no password\n", berth("", "user", "add", "alice", "--password-stdin").stderr());
        assertTrue(berth("p\n", "user", "add", "Alice", "--password-stdin").stderr().contains("bad user name \"Alice\""));
        assertTrue(berth("p\n", "user", "add", "alice", "--role", "admin", "--password-stdin").stderr().contains("unknown role \"admin\"; roles: viewer, operator"));
        Children.Exit noTerminal = berth(null, "user", "add", "alice");
        assertEquals(2, noTerminal.code());
        assertEquals("berth: user add: no terminal to ask for the password on; pipe it in with --password-stdin\n", noTerminal.stderr());
        Children.Exit argv = berth(null, "user", "add", "alice", "--password", "hunter2hunter2");
        assertEquals(2, argv.code(), "there is no way to give it on the command line");
        assertFalse(Files.exists(dir.resolve("home/users.json")));
    }

    @Test void aUsersFileOthersCanReadIsAnErrorNamingIt() throws Exception {
        assertEquals(0, berth("alice's long password\n", "user", "add", "alice", "--password-stdin").code());
        Path file = dir.resolve("home/users.json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Children.Exit list = berth(null, "user", "list");
        assertEquals(1, list.code());
        assertEquals("berth: user list: " + file + " is open to other users; run: chmod 600 " + file + "\n", list.stderr());
    }

    @Test void noUsersYet() throws Exception {
        assertEquals("[]\n", berth(null, "user", "list", "--json").stdout());
        assertTrue(berth(null, "user", "list").stdout().startsWith("no users"));
    }
}
