package dev.berth.api;

import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/** The API token: 32 random bytes in a 0600 file under BERTH_HOME, created once. */
public final class Token {
    private Token() { }

    public static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new IOException(file + " is readable by other users; run: chmod 600 " + file);
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        PrivateFiles.writeAtomically(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
        return token;
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
    public static boolean matches(String expected, String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
