package dev.berth.access;

import java.time.Duration;
import java.util.Optional;

/**
 * The dashboard's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it), Path=/, Secure when the listener is TLS, and a Max-Age of the absolute timeout
 * (the browser drops it when the session could not live anyway). No Domain: only this host gets it.
 */
public final class SessionCookie {
    public static final String NAME = "berth_session";

    private SessionCookie() { }

    /** The Set-Cookie header value that hands sessionId to the browser. */
    public static String set(String sessionId, Duration maxAge, boolean tls) {
        for (int i = 0; i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            if (!base64Url(c)) throw new IllegalArgumentException("a session id is base64url");
        }
        return NAME + "=" + sessionId + "; Max-Age=" + maxAge.toSeconds() + attributes(tls);
    }

    /** The Set-Cookie header value that makes the browser forget the cookie (logout). */
    public static String clear(boolean tls) {
        return NAME + "=; Max-Age=0" + attributes(tls);
    }

    /** The session id in a Cookie request header ("a=1; berth_session=...; b=2"), if there is one. */
    public static Optional<String> idFrom(String cookieHeader) {
        if (cookieHeader == null) return Optional.empty();
        for (String pair : cookieHeader.split(";")) {
            String p = pair.strip();
            if (p.startsWith(NAME + "=")) {
                String value = p.substring(NAME.length() + 1);
                if (!value.isEmpty() && value.chars().allMatch(c -> base64Url((char) c))) return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static String attributes(boolean tls) {
        return "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    private static boolean base64Url(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
