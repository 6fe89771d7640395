package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionCookieTest {
    private static final String ID = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";

    @Test void overTlsTheCookieIsSecureHttpOnlyStrictAndLivesAsLongAsTheSessionCan() {
        assertEquals("berth_session=" + ID + "; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict; Secure",
                SessionCookie.set(ID, Sessions.ABSOLUTE, true));
    }

    @Test void overPlainHttpItIsTheSameWithoutSecure() {
        assertEquals("berth_session=" + ID + "; Max-Age=1800; Path=/; HttpOnly; SameSite=Strict",
                SessionCookie.set(ID, Duration.ofMinutes(30), false));
    }

    @Test void theClearingCookieHasTheSameAttributesAndNoValue() {
        assertEquals("berth_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure", SessionCookie.clear(true));
        assertEquals("berth_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict", SessionCookie.clear(false));
    }

    @Test void anIdThatWouldBreakTheHeaderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SessionCookie.set("x; Domain=evil.example", Sessions.ABSOLUTE, true));
        assertThrows(IllegalArgumentException.class, () -> SessionCookie.set("x\r\nSet-Cookie: a=b", Sessions.ABSOLUTE, true));
    }

    @Test void theIdIsFoundAmongTheRequestsCookies() {
        assertEquals(Optional.of(ID), SessionCookie.idFrom("berth_session=" + ID));
        assertEquals(Optional.of(ID), SessionCookie.idFrom("theme=dark; berth_session=" + ID + "; lang=en"));
        assertEquals(Optional.of(ID), SessionCookie.idFrom("xberth_session=nope; berth_session=" + ID));
        assertEquals(Optional.empty(), SessionCookie.idFrom(null));
        assertEquals(Optional.empty(), SessionCookie.idFrom("theme=dark"));
        assertEquals(Optional.empty(), SessionCookie.idFrom("berth_session="));
        assertEquals(Optional.empty(), SessionCookie.idFrom("berth_session=\"quoted\""));
        assertEquals(Optional.empty(), SessionCookie.idFrom("berth_sessionx=" + ID));
    }

    @Test void aCookieMadeBySetIsReadBackBySessions() {
        Sessions sessions = new Sessions(new TestClock());
        Login l = sessions.open(new Principal("alice", Role.VIEWER));
        String header = SessionCookie.set(l.sessionId(), sessions.absoluteTimeout(), true);
        String sent = header.substring(0, header.indexOf(';')); // what the browser sends back
        String id = SessionCookie.idFrom("a=b; " + sent).orElseThrow();
        assertEquals("alice", ((SessionCheck.Valid) sessions.check(id, "GET", null)).principal().name());
    }
}
