package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.files.Names;
import dev.berth.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** users.json: real files, real Argon2, real second processes. */
class UsersFileTest {
    private static final PasswordHasher HASHER = PasswordHasher.owasp();
    @TempDir Path home;

    private UsersFile users() {
        return new UsersFile(home, HASHER);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test void anAddedUserLogsInWithTheirPasswordOnly() throws Exception {
        UsersFile users = users();
        users.add("alice", Role.OPERATOR, "alice's long password".toCharArray());
        Optional<User> alice = users.authenticate("alice", "alice's long password".toCharArray());
        assertEquals(new Principal("alice", Role.OPERATOR), alice.orElseThrow().principal());
        assertEquals(Optional.empty(), users.authenticate("alice", "alice's long passwore".toCharArray()));
        assertEquals(Optional.empty(), users.authenticate("bob", "alice's long password".toCharArray()));
    }

    @Test void theFileHoldsNamesRolesAndHashesNeverThePassword() throws Exception {
        users().add("alice", Role.VIEWER, "alice's long password".toCharArray());
        String text = Files.readString(home.resolve("users.json"));
        assertFalse(text.contains("alice's long password"));
        Map<String, Object> user = Json.readMap(Json.write(((List<?>) Json.readMap(text).get("users")).get(0)));
        assertEquals("alice", user.get("name"));
        assertEquals("viewer", user.get("role"));
        assertTrue(((String) user.get("password_hash")).startsWith("$argon2id$v=19$m=7168,t=5,p=1$"));
        assertEquals("rw-------", mode(home.resolve("users.json")));
        assertEquals("rw-------", mode(home.resolve("users.lock")));
        assertFalse(users().users().get(0).toString().contains("argon2"), "toString hides the hash");
    }

    @Test void aNameTakenIsRefusedAndTheFirstUserKeepsTheirPassword() throws Exception {
        UsersFile users = users();
        users.add("alice", Role.VIEWER, "the first password".toCharArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> users.add("alice", Role.OPERATOR, "the second password".toCharArray()));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertTrue(users.authenticate("alice", "the first password".toCharArray()).isPresent());
        assertEquals(Role.VIEWER, users.find("alice").orElseThrow().role());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice", "-alice", ".alice", "al ice", "al/ice", "../x", "alice\n", "é", "token", "cli",
        "a234567890123456789012345678901234567890123456789012345678901234"})
    void badOrReservedNamesAreRefused(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> users().add(name, Role.VIEWER, "a long enough password".toCharArray()));
        assertTrue(e.getMessage().contains("user name"), e.getMessage());
        assertFalse(Files.exists(home.resolve("users.json")));
    }

    @Test void goodNamesAreAccepted() {
        for (String n : List.of("a", "0", "alice", "ops-team.2", "x_y", "a23456789012345678901234567890123456789012345678901234567890123")) {
            UsersFile.requireValidName(n);
        }
    }

    @Test void aShortPasswordIsRefusedAndNothingIsWritten() {
        PasswordHasher.Refused e = assertThrows(PasswordHasher.Refused.class, () -> users().add("alice", Role.VIEWER, "short".toCharArray()));
        assertTrue(e.getMessage().contains("12"));
        assertFalse(Files.exists(home.resolve("users.json")));
    }

    @Test void removingTakesTheUserAwayAndAnUnknownOneListsThoseThereAre() throws Exception {
        UsersFile users = users();
        users.add("alice", Role.VIEWER, "alice's long password".toCharArray());
        users.add("bob", Role.OPERATOR, "bob's long password!".toCharArray());
        assertEquals("alice", users.remove("alice").name());
        assertEquals(List.of("bob"), users.users().stream().map(User::name).toList());
        assertEquals(Optional.empty(), users.authenticate("alice", "alice's long password".toCharArray()));
        Names.Unknown e = assertThrows(Names.Unknown.class, () -> users.remove("carol"));
        assertEquals("no user \"carol\"; users: bob", e.getMessage());
    }

    @Test void anotherProcessesChangeIsSeenOnTheNextRead() throws Exception {
        UsersFile daemon = users();
        assertEquals(List.of(), daemon.users());
        users().add("alice", Role.VIEWER, "alice's long password".toCharArray()); // the CLI's instance
        assertEquals(List.of("alice"), daemon.users().stream().map(User::name).toList());
        users().remove("alice");
        assertEquals(List.of(), daemon.users());
    }

    /** users.json as a hand (or another tool) might write it, count users with one hash. */
    private void writeUsers(int count, String hash) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "u" + i);
            m.put("role", "viewer");
            m.put("password_hash", hash);
            list.add(m);
        }
        Files.writeString(home.resolve("users.json"), Json.write(Map.of("users", list)));
        Files.setPosixFilePermissions(home.resolve("users.json"), PosixFilePermissions.fromString("rw-------"));
    }

    @Test void aFullFileTakesNoMoreUsers() throws Exception {
        writeUsers(UsersFile.MOST_USERS, HASHER.hash("the one password".toCharArray()));
        assertEquals(1000, users().users().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> users().add("alice", Role.VIEWER, "a long enough password".toCharArray()));
        assertTrue(e.getMessage().contains("1000 users"), e.getMessage());
    }

    @Test void aFileBeyondTheBoundsIsRefusedNamingIt() throws Exception {
        writeUsers(UsersFile.MOST_USERS + 1, HASHER.hash("the one password".toCharArray()));
        IOException e = assertThrows(IOException.class, () -> users().users());
        assertTrue(e.getMessage().startsWith(home.resolve("users.json") + ": more than 1000 users"), e.getMessage());
    }

    @Test void aTamperedHashLogsNobodyIn() throws Exception {
        String hash = HASHER.hash("the real password".toCharArray());
        int at = hash.length() - 10;
        writeUsers(1, hash.substring(0, at) + (hash.charAt(at) == 'A' ? 'B' : 'A') + hash.substring(at + 1));
        assertEquals(Optional.empty(), users().authenticate("u0", "the real password".toCharArray()));
        writeUsers(1, hash);
        assertTrue(users().authenticate("u0", "the real password".toCharArray()).isPresent(), "the untampered one does");
    }

    @Test void aMalformedFileIsAnErrorNamingItNotAnEmptyList() throws Exception {
        writeUsers(1, "plaintext password");
        IOException e = assertThrows(IOException.class, () -> users().users());
        assertTrue(e.getMessage().contains("users.json: user u0 has no valid Argon2id password hash"), e.getMessage());
        Files.writeString(home.resolve("users.json"), "{\"users\": [");
        assertThrows(IOException.class, () -> users().users());
    }

    @Test void aFileOthersCanReadIsRefused() throws Exception {
        users().add("alice", Role.VIEWER, "alice's long password".toCharArray());
        Files.setPosixFilePermissions(home.resolve("users.json"), PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> users().users());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test void threadsAddingAtOnceLoseNoUser() throws Exception {
        UsersFile a = users();
        UsersFile b = users(); // two instances in one process: the OS lock alone cannot tell them apart
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                UsersFile users = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 4; i++) users.add("t" + thread + "-" + i, Role.VIEWER, "a long enough password".toCharArray());
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
        assertEquals(32, users().users().size());
    }

    /**
     * Four other JVMs, under umask 000, each adding twelve users as fast as they can: none is lost
     * (each change is a read-modify-write under users.lock), and the file is 0600 all the same.
     * Without the lock, this loses users (checked by taking the lock out).
     */
    @Test void processesAddingAtOnceLoseNoUserAndTheModeIgnoresTheUmask() throws Exception {
        List<Process> children = new ArrayList<>();
        for (int p = 0; p < 4; p++) children.add(Children.start("000", home, UserAdder.class, "p" + p, "12"));
        for (Process c : children) {
            byte[] err = c.getErrorStream().readAllBytes();
            assertEquals(0, c.waitFor(), new String(err));
        }
        List<String> names = users().users().stream().map(User::name).toList();
        assertEquals(48, names.size(), names.toString());
        assertEquals("rw-------", mode(home.resolve("users.json")));
        assertEquals("rw-------", mode(home.resolve("users.lock")));
        assertTrue(users().authenticate("p3-11", "password of p311".toCharArray()).isPresent());
        try (var left = Files.list(home)) {
            assertEquals(List.of("users.json", "users.lock"), left.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary left");
        }
    }
}
