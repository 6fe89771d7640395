package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir Path dir;

    @Test void sealsOpensAndRefusesChangesAndOtherKeys() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(dir.resolve("secret.key"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secret.key"))));
        byte[] plain = "API_KEY=sk_live_abcdef\n".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = box.seal(plain);
        assertTrue(SecretBox.isSealed(sealed));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("sk_live"), "no plaintext in the sealed bytes");
        assertArrayEquals(plain, SecretBox.loadOrCreate(dir.resolve("secret.key")).open(sealed), "the same key file opens it again");
        assertFalse(java.util.Arrays.equals(sealed, box.seal(plain)), "a fresh IV each time");
        sealed[sealed.length - 3] ^= 1;
        byte[] changed = sealed;
        assertThrows(IOException.class, () -> box.open(changed), "a changed byte is detected");
        SecretBox other = SecretBox.loadOrCreate(dir.resolve("other.key"));
        assertThrows(IOException.class, () -> other.open(box.seal(plain)), "another key cannot open it");
        assertFalse(SecretBox.isSealed(plain));
    }
}
