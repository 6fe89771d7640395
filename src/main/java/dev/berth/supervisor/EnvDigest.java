package dev.berth.supervisor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keyed digests of an environment, so `describe` can say which keys changed between two
 * starts without keeping or showing the values (which may be secrets).
 */
final class EnvDigest {
    private EnvDigest() { }

    static Map<String, String> of(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> out.put(k, sha256(k + "=" + v).substring(0, 16)));
        return out;
    }

    /** "+ADDED ~CHANGED -REMOVED", or null when nothing changed or there was no previous start. */
    static String changes(Map<String, String> before, Map<String, String> after) {
        if (before == null || before.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            String b = before.get(k), a = after.get(k);
            if (b == null) sb.append(" +").append(k);
            else if (a == null) sb.append(" -").append(k);
            else if (!a.equals(b)) sb.append(" ~").append(k);
        }
        return sb.isEmpty() ? null : sb.substring(1);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
