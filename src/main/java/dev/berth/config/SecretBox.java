package dev.berth.config;

import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what Berth keeps of other people's secrets (the ${VAR} values the CLI passes, kept with
 * each app in state.db; the recorded copies of berth.yml and its env files, for releases and as
 * the last good copy) with AES-256-GCM under a key of its own, BERTH_HOME/secret.key (0600, made
 * once). A copy of BERTH_HOME without that key, or of a backup of it, then holds no readable secret.
 */
public final class SecretBox {
    private static final byte[] MAGIC = "BERTH-SEALED-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static SecretBox loadOrCreate(Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            PrivateFiles.writeNew(keyFile, k); // false: another daemon made it first; use that one
        }
        byte[] k = Files.readAllBytes(keyFile);
        if (k.length != 32) throw new IOException(keyFile + " is not a Berth key (32 bytes expected, found " + k.length + ")");
        return new SecretBox(k);
    }

    public byte[] seal(byte[] plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(plain);
            byte[] out = new byte[MAGIC.length + IV_BYTES + sealed.length];
            System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
            System.arraycopy(iv, 0, out, MAGIC.length, IV_BYTES);
            System.arraycopy(sealed, 0, out, MAGIC.length + IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws IOException when the bytes are not sealed, or not with this key, or were changed */
    public byte[] open(byte[] sealed) throws IOException {
        if (!isSealed(sealed)) throw new IOException("not sealed by Berth");
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, MAGIC.length, IV_BYTES));
            return c.doFinal(sealed, MAGIC.length + IV_BYTES, sealed.length - MAGIC.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot open a sealed file: another BERTH_HOME's key, or the file was changed", e);
        }
    }

    private static final String TEXT_PREFIX = "sealed:";

    /** For a text column: "sealed:" and the sealed bytes in base64. */
    public String sealText(String plain) {
        return TEXT_PREFIX + Base64.getEncoder().encodeToString(seal(plain.getBytes(StandardCharsets.UTF_8)));
    }

    /** What sealText sealed; text without its prefix (written before it was sealed) comes back as it is. */
    public String openText(String stored) throws IOException {
        if (!isSealedText(stored)) return stored;
        try {
            return new String(open(Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()))), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException("not sealed by Berth: " + e.getMessage(), e);
        }
    }

    public static boolean isSealedText(String stored) {
        return stored != null && stored.startsWith(TEXT_PREFIX);
    }

    public static boolean isSealed(byte[] bytes) {
        return bytes.length > MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }
}
