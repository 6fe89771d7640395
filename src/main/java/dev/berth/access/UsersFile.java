package dev.berth.access;

import dev.berth.files.Names;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * BERTH_HOME/users.json: the dashboard's named users, at most {@link #MOST_USERS}. `berth user`
 * writes it directly (no daemon needed) and the daemon reads it; a change is picked up on the next
 * read, since {@link #users()} parses again whenever the file's identity, time or size changed.
 *
 * <p>Every change is a read-modify-write under users.lock (an OS lock, so two CLIs cannot lose
 * each other's change), written whole with {@link PrivateFiles#writeAtomically} (0600, synced,
 * renamed): a reader sees the old list or the new one.
 */
public final class UsersFile {
    public static final int MOST_USERS = 1_000;
    static final long MOST_BYTES = 1 << 20;
    /** The names the audit log uses for the token and the CLI: no user may take them. */
    private static final Set<String> RESERVED = Set.of(Principal.TOKEN.name(), Principal.CLI.name());
    /**
     * The OS lock cannot serialise two holders in one process (the second gets an
     * OverlappingFileLockException), so writers in one JVM first queue here, per lock file.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path home;
    private final Path file;
    private final Path lockFile;
    private final PasswordHasher hasher;
    private volatile Snapshot cached;
    private volatile String unknownUserHash;

    private record Snapshot(Object key, FileTime modified, long size, List<User> users) { }

    public UsersFile(Path berthHome, PasswordHasher hasher) {
        this.home = berthHome;
        this.file = berthHome.resolve("users.json");
        this.lockFile = berthHome.resolve("users.lock");
        this.hasher = hasher;
    }

    public Path file() {
        return file;
    }

    /** The users in name order; none when the file does not exist. */
    public List<User> users() throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (attrs.permissions().stream().anyMatch(p -> p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE)) {
            throw new IOException(file + " is open to other users; run: chmod 600 " + file);
        }
        Snapshot s = cached;
        if (s != null && s.key() != null && s.key().equals(attrs.fileKey()) && s.modified().equals(attrs.lastModifiedTime()) && s.size() == attrs.size()) {
            return s.users();
        }
        List<User> users = read();
        cached = new Snapshot(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size(), users);
        return users;
    }

    public Optional<User> find(String name) throws IOException {
        for (User u : users()) if (u.name().equals(name)) return Optional.of(u);
        return Optional.empty();
    }

    /**
     * Adds a user with a new password (checked by {@link PasswordHasher#requireAcceptable}).
     * IllegalArgumentException for a bad name, a name taken, or a full file.
     */
    public User add(String name, Role role, char[] password) throws IOException {
        requireValidName(name);
        if (role == null) throw new IllegalArgumentException("a user needs a role: viewer or operator");
        PasswordHasher.requireAcceptable(password);
        User user = new User(name, role, hasher.hash(password)); // the slow part, outside the lock
        locked(() -> {
            List<User> users = new ArrayList<>(read());
            if (users.stream().anyMatch(u -> u.name().equals(name))) {
                throw new IllegalArgumentException("user " + name + " exists; remove it first to set a new password or role");
            }
            if (users.size() >= MOST_USERS) throw new IllegalArgumentException("there are " + MOST_USERS + " users already, the most there may be");
            users.add(user);
            write(users);
            return null;
        });
        return user;
    }

    /** Removes a user; {@link Names.Unknown} (listing the users) when there is none of that name. */
    public User remove(String name) throws IOException {
        return locked(() -> {
            List<User> users = new ArrayList<>(read());
            User gone = users.stream().filter(u -> u.name().equals(name)).findFirst()
                    .orElseThrow(() -> Names.unknown("user", null, name, users.stream().map(User::name).toList()));
            users.remove(gone);
            write(users);
            return gone;
        });
    }

    /**
     * The user when the password is theirs. An unknown name costs one hash too, so the time of
     * the answer does not tell which names exist.
     */
    public Optional<User> authenticate(String name, char[] password) throws IOException {
        Optional<User> user = find(name);
        if (user.isEmpty()) {
            hasher.verify(password, unknownUserHash());
            return Optional.empty();
        }
        return hasher.verify(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    /** 1-63 of a-z 0-9 _ . - starting with a letter or digit, and not "token" or "cli". */
    public static void requireValidName(String name) {
        boolean ok = name != null && !name.isEmpty() && name.length() <= 63 && letterOrDigit(name.charAt(0));
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = letterOrDigit(c) || c == '_' || c == '.' || c == '-';
        }
        if (!ok) {
            throw new IllegalArgumentException("bad user name " + shown(name) + ": use 1-63 of a-z 0-9 _ . - starting with a letter or digit");
        }
        if (RESERVED.contains(name)) throw new IllegalArgumentException("user name " + name + " is reserved (the audit log's name for the daemon's token or the CLI)");
    }

    private static boolean letterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    private static String shown(String name) {
        if (name == null) return "(none)";
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(name.length(), 64); i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.append(name.length() > 64 ? "...\"" : "\"").toString();
    }

    private String unknownUserHash() {
        String h = unknownUserHash;
        if (h == null) {
            char[] random = UUID.randomUUID().toString().toCharArray();
            unknownUserHash = h = hasher.hash(random);
        }
        return h;
    }

    private List<User> read() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MOST_BYTES + 1);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (bytes.length > MOST_BYTES) throw new IOException(file + " is over " + MOST_BYTES + " bytes; it is not a Berth users file");
        try {
            Object users = Json.readMap(new String(bytes, StandardCharsets.UTF_8)).get("users");
            if (!(users instanceof List<?> list)) throw new IllegalArgumentException("no \"users\" list");
            List<User> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException("a user is not an object");
                out.add(new User(string(m.get("name")), Role.parse(string(m.get("role"))), string(m.get("password_hash"))));
            }
            if (out.size() > MOST_USERS) throw new IllegalArgumentException("more than " + MOST_USERS + " users");
            out.sort(Comparator.comparing(User::name));
            return List.copyOf(out);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static String string(Object v) {
        return v instanceof String s ? s : null;
    }

    private void write(List<User> users) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (User u : users.stream().sorted(Comparator.comparing(User::name)).toList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", u.name());
            m.put("role", u.role().label());
            m.put("password_hash", u.passwordHash());
            out.add(m);
        }
        PrivateFiles.writeAtomically(file, (Json.pretty(Map.of("users", out)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    private <T> T locked(Locked<T> action) throws IOException {
        PrivateFiles.directories(home);
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel ch = PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.lock(); // released when the channel closes
            return action.run();
        } finally {
            inProcess.unlock();
        }
    }
}
