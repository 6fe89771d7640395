package dev.berth.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens and their comparison, for session ids, CSRF tokens and the daemon's token. */
final class Secrets {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() { }

    /** bytes random bytes from random, in unpadded base64url. */
    static String random(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return URL.encodeToString(raw);
    }

    /**
     * Whether given is expected, in a time that does not depend on where they differ: both are
     * digested first, so not even the length of the expected one shows.
     */
    static boolean equal(String expected, String given) {
        if (expected == null || given == null) return false;
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    /** The SHA-256 of s in base64url: what a table keeps instead of the secret itself. */
    static String digest(String s) {
        return URL.encodeToString(sha256(s));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
