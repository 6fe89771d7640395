package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real Argon2id: the reference implementation's hashes verify, and nothing else does. */
class PasswordHasherTest {
    private static final PasswordHasher HASHER = PasswordHasher.owasp();
    /**
     * Made with the reference C implementation (libargon2 1.0 via ctypes: argon2id_hash_encoded(2,
     * 19456, 1, utf8(password), "berth-test-salt!", 32)), so this is Argon2id itself, not whatever
     * our code computes.
     */
    private static final String REFERENCE = "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y";
    private static final char[] REFERENCE_PASSWORD = "correct horse battery staple ✓".toCharArray();

    @Test void theReferenceImplementationsHashVerifies() {
        assertTrue(HASHER.verify(REFERENCE_PASSWORD, REFERENCE));
        assertFalse(HASHER.verify("correct horse battery staple".toCharArray(), REFERENCE));
    }

    @Test void aHashIsPhcArgon2idWithOwaspParametersAndASixteenByteSalt() {
        String h = HASHER.hash("a good long passphrase".toCharArray());
        assertTrue(Pattern.matches("\\$argon2id\\$v=19\\$m=7168,t=5,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}", h), h);
        assertTrue(HASHER.verify("a good long passphrase".toCharArray(), h));
    }

    @Test void theSameTwiceGivesTwoHashes() {
        char[] pw = "the same password".toCharArray();
        String a = HASHER.hash(pw);
        String b = HASHER.hash(pw);
        assertNotEquals(a, b, "a fresh salt each time");
        assertTrue(HASHER.verify(pw, a));
        assertTrue(HASHER.verify(pw, b));
    }

    @Test void aWrongPasswordIsRefused() {
        String h = HASHER.hash("a good long passphrase".toCharArray());
        assertFalse(HASHER.verify("a good long passphrasE".toCharArray(), h));
        assertFalse(HASHER.verify(new char[0], h));
        assertFalse(HASHER.verify(null, h));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKVWarP/Y", // one hash character
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Z", // non-canonical: the same bytes spelt otherwise
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y=", // padding
        "$argon2id$v=19$m=19456,t=2,p=1$ZmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // salt
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IR$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // non-canonical spelling of the salt
        "$argon2id$v=19$m=19456,t=3,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // passes
        "$argon2id$v=19$m=19457,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // memory
        "$argon2id$v=19$m=19456,t=02,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // another spelling of 2
        "$argon2id$v=16$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // version
        "$argon2i$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // variant
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP", // shorter hash
        "$argon2id$v=19$m=19456,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y$", // more after it
        "$argon2id$v=19$m=19456,p=1,t=2$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // order
        "$argon2id$v=19$m=4194304,t=2,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // 4 GiB: refused, not computed
        "$argon2id$v=19$m=19456,t=1000000,p=1$YmVydGgtdGVzdC1zYWx0IQ$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // a million passes
        "$argon2id$v=19$m=19456,t=2,p=1$$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // no salt
        "$argon2id$v=19$m=19456,t=2,p=1$YmVy$KK+5Q7m4Uvp9VGTyO8JaDPfqwkSmv9xBNllKUWarP/Y", // a 3-byte salt
        "",
        "plaintext password",
    })
    void aTamperedOrMalformedHashIsRefused(String tampered) {
        assertFalse(HASHER.verify(REFERENCE_PASSWORD, tampered), tampered);
    }

    @Test void aNullHashIsRefused() {
        assertFalse(HASHER.verify(REFERENCE_PASSWORD, null));
        assertFalse(PasswordHasher.wellFormed(null));
    }

    @Test void aNewPasswordNeedsTwelveCharactersAndAtMostOneKibibyte() {
        PasswordHasher.Refused shortOne = assertThrows(PasswordHasher.Refused.class, () -> PasswordHasher.requireAcceptable("elevenchars".toCharArray()));
        assertTrue(shortOne.getMessage().contains("at least 12 characters"), shortOne.getMessage());
        PasswordHasher.requireAcceptable("twelve chars".toCharArray());
        PasswordHasher.requireAcceptable("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑".toCharArray()); // 12 characters, 24 UTF-16 units
        assertThrows(PasswordHasher.Refused.class, () -> PasswordHasher.requireAcceptable("🔑🔑🔑🔑🔑🔑".toCharArray()), "12 UTF-16 units, 6 characters");
        char[] most = new char[1024];
        Arrays.fill(most, 'x');
        PasswordHasher.requireAcceptable(most);
        char[] over = new char[1025];
        Arrays.fill(over, 'x');
        PasswordHasher.Refused big = assertThrows(PasswordHasher.Refused.class, () -> PasswordHasher.requireAcceptable(over));
        assertTrue(big.getMessage().contains("1024 bytes"), big.getMessage());
        char[] multibyte = new char[342]; // 3 bytes each in UTF-8: 1026 bytes
        Arrays.fill(multibyte, '€');
        assertThrows(PasswordHasher.Refused.class, () -> PasswordHasher.requireAcceptable(multibyte));
        char[] broken = "twelve chars and a lone \uD800".toCharArray();
        assertThrows(PasswordHasher.Refused.class, () -> PasswordHasher.requireAcceptable(broken));
    }

    @Test void aPasswordThatCouldNeverHaveBeenSetIsFalseWithoutAnError() {
        String h = HASHER.hash("a good long passphrase".toCharArray());
        char[] over = new char[5000];
        Arrays.fill(over, 'x');
        assertFalse(HASHER.verify(over, h));
        assertFalse(HASHER.verify("a good long \uD800".toCharArray(), h));
    }

    @Test void whenEverySlotStaysTakenACheckIsBusyInsteadOfQueueing() throws Exception {
        PasswordHasher one = new PasswordHasher(PasswordHasher.OWASP_MEMORY_KIB, 2, 1, 1, 50);
        one.slots.acquire(); // another check, holding the one slot
        try {
            assertThrows(PasswordHasher.Busy.class, () -> one.verify(REFERENCE_PASSWORD, REFERENCE));
        } finally {
            one.slots.release();
        }
        assertTrue(one.verify(REFERENCE_PASSWORD, REFERENCE), "free again");
    }

    @Test void parametersOutsideTheBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(64 * 1024, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(19456, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(19456, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(19456, 2, 1, 0));
    }

    /** What one login's check costs here: real work (not skipped), well under a second. */
    @Test void oneVerifyTakesTensOfMilliseconds() {
        for (int i = 0; i < 3; i++) HASHER.verify(REFERENCE_PASSWORD, REFERENCE); // warm up the JIT
        int runs = 10;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) assertTrue(HASHER.verify(REFERENCE_PASSWORD, REFERENCE));
        double ms = (System.nanoTime() - start) / 1e6 / runs;
        System.out.printf("Argon2id verify (m=19 MiB, t=2, p=1): %.1f ms%n", ms);
        assertTrue(ms > 5, "19 MiB of memory-hard work cannot take " + ms + " ms");
        assertTrue(ms < 1000, ms + " ms per login is too slow");
    }

    @Test void parametersBeyondTheBoundsAreNotWellFormed() {
        assertTrue(PasswordHasher.wellFormed(REFERENCE));
        assertFalse(PasswordHasher.wellFormed(REFERENCE.replace("m=19456", "m=4194304")), "4 GiB is refused before any work");
        assertFalse(PasswordHasher.wellFormed(REFERENCE.replace("t=2", "t=11")));
        assertFalse(PasswordHasher.wellFormed(REFERENCE.replace("t=2", "t=0")));
        assertFalse(PasswordHasher.wellFormed(REFERENCE.replace("p=1", "p=5")));
    }
}
