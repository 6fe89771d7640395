package dev.berth.access;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle's implementation) in the PHC string format:
 * {@code $argon2id$v=19$m=7168,t=5,p=1$SALT$HASH}, salt and hash in unpadded base64.
 *
 * <p>Each hash holds its own parameters, so hashes made with other ones still verify; but only
 * within bounds ({@link #MOST_MEMORY_KIB}, {@link #MOST_ITERATIONS}): a string that asks for
 * gigabytes is refused, not computed. One computation takes {@code memoryKiB} of heap; the
 * daemon's heap is small, so at most {@code concurrent} run at once and a caller that waits
 * longer than {@link #WAIT} gets {@link Busy} rather than a queue without end.
 *
 * <p>Measured here (2 cores): one verify takes 30-45 ms on a warmed-up JVM, about 110 ms under
 * the daemon's C1-only flags, and allocates about 8 MiB each time.
 */
public final class PasswordHasher {
    // OWASP's m=7 MiB, t=5 (as strong as its m=19 MiB, t=2): each check's 19 MiB would stay in the
    // daemon's small heap as resident memory long after the login
    public static final int OWASP_MEMORY_KIB = 7 * 1024;
    public static final int OWASP_ITERATIONS = 5;
    public static final int MOST_MEMORY_KIB = 32 * 1024;
    public static final int MOST_ITERATIONS = 10;
    public static final int MOST_LANES = 4;
    public static final int FEWEST_CHARACTERS = 12;
    public static final int MOST_BYTES = 1024;
    /** How long a check waits for a free slot before {@link Busy}, in ms. */
    public static final long WAIT = 5_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String PREFIX = "$argon2id$v=19$";

    private final int memoryKiB;
    private final int iterations;
    private final int lanes;
    final Semaphore slots;
    private final long waitMillis;
    private final SecureRandom random = new SecureRandom();

    /** A password that cannot be set: too short, too long, or not text. */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** Every computation slot stayed taken for {@link #WAIT}: many logins at once (the HTTP layer answers 503). */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("too many logins at once; try again in a moment");
        }
    }

    /** Parameters of new hashes, and how many computations may run at once. */
    public PasswordHasher(int memoryKiB, int iterations, int lanes, int concurrent) {
        this(memoryKiB, iterations, lanes, concurrent, WAIT);
    }

    PasswordHasher(int memoryKiB, int iterations, int lanes, int concurrent, long waitMillis) {
        if (lanes < 1 || lanes > MOST_LANES) throw new IllegalArgumentException("lanes must be 1.." + MOST_LANES);
        if (memoryKiB < 8 * lanes || memoryKiB > MOST_MEMORY_KIB) throw new IllegalArgumentException("memory must be " + 8 * lanes + ".." + MOST_MEMORY_KIB + " KiB");
        if (iterations < 1 || iterations > MOST_ITERATIONS) throw new IllegalArgumentException("iterations must be 1.." + MOST_ITERATIONS);
        if (concurrent < 1) throw new IllegalArgumentException("concurrent must be at least 1");
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.lanes = lanes;
        this.slots = new Semaphore(concurrent, true);
        this.waitMillis = waitMillis;
    }

    /** m=7 MiB, t=5, p=1, one computation at a time. */
    public static PasswordHasher owasp() {
        return new PasswordHasher(OWASP_MEMORY_KIB, OWASP_ITERATIONS, 1, 1);
    }

    /**
     * Throws {@link Refused} unless password may be set as a new one: at least 12 characters, at
     * most 1,024 bytes of UTF-8.
     */
    public static void requireAcceptable(char[] password) {
        if (password == null || Character.codePointCount(password, 0, password.length) < FEWEST_CHARACTERS) {
            throw new Refused("a password needs at least " + FEWEST_CHARACTERS + " characters");
        }
        byte[] bytes = utf8(password);
        Arrays.fill(bytes, (byte) 0);
    }

    /** The PHC string of password, with a fresh random salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] secret = utf8(password);
        try {
            byte[] out = compute(secret, salt, memoryKiB, iterations, lanes, HASH_BYTES);
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return PREFIX + "m=" + memoryKiB + ",t=" + iterations + ",p=" + lanes + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Whether password is the one encoded was made from, compared in constant time. A string that
     * is not a well-formed Argon2id hash within the bounds, or a password that could never have
     * been set (over 1,024 bytes, not text), is false without computing anything.
     */
    public boolean verify(char[] password, String encoded) {
        Encoded e = Encoded.parse(encoded);
        if (e == null || password == null) return false;
        byte[] secret;
        try {
            secret = utf8(password);
        } catch (Refused notAPassword) {
            return false;
        }
        try {
            byte[] out = compute(secret, e.salt, e.memoryKiB, e.iterations, e.lanes, e.hash.length);
            return MessageDigest.isEqual(out, e.hash);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Whether encoded is a hash this class would verify (for reading users.json). */
    public static boolean wellFormed(String encoded) {
        return Encoded.parse(encoded) != null;
    }

    private byte[] compute(byte[] secret, byte[] salt, int m, int t, int p, int length) {
        try {
            if (!slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) throw new Busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        try {
            Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build();
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(params);
            byte[] out = new byte[length];
            generator.generateBytes(secret, out);
            return out;
        } finally {
            // the megabytes Argon2 filled are garbage now: collected at once, the daemon's small heap
            // gives them back instead of staying that much larger (five logins: +36 MB resident without this, +6.5 MB with)
            System.gc();
            slots.release();
        }
    }

    /** Strict UTF-8 of the characters (a lone surrogate is refused), at most MOST_BYTES. */
    private static byte[] utf8(char[] password) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            throw new Refused("a password must be text (it has a broken character)");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) Arrays.fill(encoded.array(), (byte) 0);
        if (bytes.length > MOST_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new Refused("a password may have at most " + MOST_BYTES + " bytes");
        }
        return bytes;
    }

    /** A parsed PHC string; null from parse for anything else. */
    private record Encoded(int memoryKiB, int iterations, int lanes, byte[] salt, byte[] hash) {
        static Encoded parse(String s) {
            if (s == null || s.length() > 300 || !s.startsWith(PREFIX)) return null;
            String[] parts = s.substring(PREFIX.length()).split("\\$", -1);
            if (parts.length != 3) return null;
            String[] kv = parts[0].split(",", -1);
            if (kv.length != 3) return null;
            int m = number(kv[0], "m=");
            int t = number(kv[1], "t=");
            int p = number(kv[2], "p=");
            if (p < 1 || p > MOST_LANES || m < 8 * p || m > MOST_MEMORY_KIB || t < 1 || t > MOST_ITERATIONS) return null;
            byte[] salt = canonicalBase64(parts[1]);
            byte[] hash = canonicalBase64(parts[2]);
            if (salt == null || hash == null || salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) return null;
            return new Encoded(m, t, p, salt, hash);
        }

        /** A decimal after key, without sign or leading zero; -1 for anything else. */
        private static int number(String s, String key) {
            if (!s.startsWith(key)) return -1;
            String digits = s.substring(key.length());
            if (digits.isEmpty() || digits.length() > 7 || digits.charAt(0) == '0') return -1;
            for (int i = 0; i < digits.length(); i++) if (digits.charAt(i) < '0' || digits.charAt(i) > '9') return -1;
            return Integer.parseInt(digits);
        }

        /** Unpadded base64 that encodes back to itself (no other spelling of the same bytes passes). */
        private static byte[] canonicalBase64(String s) {
            try {
                byte[] bytes = Base64.getDecoder().decode(s);
                return Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(s) ? bytes : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
