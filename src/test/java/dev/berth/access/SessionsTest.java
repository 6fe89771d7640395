package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions by an injected clock: idle and absolute timeouts pass without waiting. */
class SessionsTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final Principal alice = new Principal("alice", Role.VIEWER);

    private static SessionCheck.Refusal refusal(SessionCheck c) {
        return assertInstanceOf(SessionCheck.Refused.class, c).reason();
    }

    private static Principal principal(SessionCheck c) {
        return assertInstanceOf(SessionCheck.Valid.class, c).principal();
    }

    @Test void anOpenedSessionIsItsPrincipals() {
        Login login = sessions.open(alice);
        assertEquals(alice, principal(sessions.check(login.sessionId(), "GET", null)));
        assertEquals(alice, login.principal());
        assertEquals(clock.instant(), login.created());
    }

    @Test void idsAndCsrfTokensAre32RandomBytesInBase64Url() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Login l = sessions.open(alice);
            assertTrue(l.sessionId().matches("[A-Za-z0-9_-]{43}"), l.sessionId());
            assertTrue(l.csrfToken().matches("[A-Za-z0-9_-]{43}"), l.csrfToken());
            assertTrue(seen.add(l.sessionId()) && seen.add(l.csrfToken()));
        }
    }

    @Test void neitherTheIdNorTheCsrfTokenIsEverPrinted() {
        Login l = sessions.open(alice);
        SessionCheck ok = sessions.check(l.sessionId(), "GET", null);
        Login stamped = sessions.open(alice, "the-credential-stamp");
        SessionCheck withStamp = sessions.check(stamped.sessionId(), "GET", null);
        assertEquals("the-credential-stamp", ((SessionCheck.Valid) withStamp).credential());
        assertFalse(withStamp.toString().contains("the-credential-stamp"));
        for (String text : new String[] {l.toString(), ok.toString()}) {
            assertFalse(text.contains(l.sessionId()), text);
            assertFalse(text.contains(l.csrfToken()), text);
            assertTrue(text.contains("alice"), text);
        }
    }

    @Test void activityKeepsASessionAliveAndThirtyIdleMinutesEndIt() {
        Login l = sessions.open(alice);
        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertEquals(alice, principal(sessions.check(l.sessionId(), "GET", null)));
        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertEquals(alice, principal(sessions.check(l.sessionId(), "GET", null)), "the idle time starts again at each request");
        clock.advance(Duration.ofMinutes(30));
        assertEquals(SessionCheck.Refusal.IDLE, refusal(sessions.check(l.sessionId(), "GET", null)));
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check(l.sessionId(), "GET", null)), "and it is gone");
    }

    @Test void twelveHoursEndASessionHoweverActive() {
        Login l = sessions.open(alice);
        for (int i = 0; i < 71; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertEquals(alice, principal(sessions.check(l.sessionId(), "GET", null)), "after " + (i + 1) * 10 + " min");
        }
        clock.advance(Duration.ofMinutes(10)); // 12 h since the login
        assertEquals(SessionCheck.Refusal.EXPIRED, refusal(sessions.check(l.sessionId(), "GET", null)));
    }

    @Test void bothTimeoutsAreSettable() {
        Sessions short_ = new Sessions(clock, Duration.ofMinutes(5), Duration.ofMinutes(8), 100);
        Login l = short_.open(alice);
        clock.advance(Duration.ofMinutes(4));
        assertEquals(alice, principal(short_.check(l.sessionId(), "GET", null)));
        clock.advance(Duration.ofMinutes(4));
        assertEquals(SessionCheck.Refusal.EXPIRED, refusal(short_.check(l.sessionId(), "GET", null)));
        Login m = short_.open(alice);
        clock.advance(Duration.ofMinutes(5));
        assertEquals(SessionCheck.Refusal.IDLE, refusal(short_.check(m.sessionId(), "GET", null)));
        assertEquals(Duration.ofMinutes(8), short_.absoluteTimeout());
        assertThrows(IllegalArgumentException.class, () -> new Sessions(clock, Duration.ofHours(2), Duration.ofHours(1), 10));
    }

    @Test void aMutatingRequestNeedsTheSessionsOwnCsrfToken() {
        Login l = sessions.open(alice);
        Login other = sessions.open(new Principal("bob", Role.OPERATOR));
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "post", null}) {
            assertEquals(SessionCheck.Refusal.CSRF_MISSING, refusal(sessions.check(l.sessionId(), method, null)), method);
            assertEquals(SessionCheck.Refusal.CSRF_MISSING, refusal(sessions.check(l.sessionId(), method, "")), method);
            assertEquals(SessionCheck.Refusal.CSRF_WRONG, refusal(sessions.check(l.sessionId(), method, other.csrfToken())), method);
            String oneOff = l.csrfToken().substring(0, 42) + (l.csrfToken().endsWith("A") ? "B" : "A");
            assertEquals(SessionCheck.Refusal.CSRF_WRONG, refusal(sessions.check(l.sessionId(), method, oneOff)), method);
            assertEquals(SessionCheck.Refusal.CSRF_WRONG, refusal(sessions.check(l.sessionId(), method, l.csrfToken() + "x")), method);
        }
        SessionCheck ok = sessions.check(l.sessionId(), "POST", l.csrfToken());
        assertEquals(alice, principal(ok));
        assertEquals(l.csrfToken(), ((SessionCheck.Valid) ok).csrfToken());
        for (String safe : new String[] {"GET", "HEAD", "OPTIONS"}) assertEquals(alice, principal(sessions.check(l.sessionId(), safe, null)));
        assertEquals(403, SessionCheck.Refusal.CSRF_WRONG.status());
        assertEquals(401, SessionCheck.Refusal.IDLE.status());
    }

    @Test void aRefusedRequestIsNoActivity() {
        Login l = sessions.open(alice);
        clock.advance(Duration.ofMinutes(20));
        assertEquals(SessionCheck.Refusal.CSRF_MISSING, refusal(sessions.check(l.sessionId(), "POST", null)));
        clock.advance(Duration.ofMinutes(10));
        assertEquals(SessionCheck.Refusal.IDLE, refusal(sessions.check(l.sessionId(), "GET", null)));
    }

    @Test void noCookieAndAStrangeOneAreRefused() {
        assertEquals(SessionCheck.Refusal.NO_SESSION, refusal(sessions.check(null, "GET", null)));
        assertEquals(SessionCheck.Refusal.NO_SESSION, refusal(sessions.check("", "GET", null)));
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check("x".repeat(43), "GET", null)));
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check("not even the right length", "GET", null)));
        Login l = sessions.open(alice);
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check(l.csrfToken(), "GET", null)), "a CSRF token is not a session id");
    }

    @Test void logoutEndsOneSessionAndRemovingAUserEndsAllOfTheirs() {
        Login a1 = sessions.open(alice);
        Login a2 = sessions.open(alice);
        Login b = sessions.open(new Principal("bob", Role.OPERATOR));
        assertTrue(sessions.close(a1.sessionId()));
        assertFalse(sessions.close(a1.sessionId()));
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check(a1.sessionId(), "GET", null)));
        assertEquals(alice, principal(sessions.check(a2.sessionId(), "GET", null)));
        assertEquals(1, sessions.closeAllOf("alice"));
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(sessions.check(a2.sessionId(), "GET", null)));
        assertEquals("bob", principal(sessions.check(b.sessionId(), "GET", null)).name());
        assertEquals(1, sessions.size());
    }

    @Test void pastTheBoundTheSessionSeenLeastRecentlyIsDropped() {
        Sessions three = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12), 3);
        Login first = three.open(alice);
        clock.advance(Duration.ofSeconds(1));
        Login second = three.open(alice);
        clock.advance(Duration.ofSeconds(1));
        Login third = three.open(alice);
        clock.advance(Duration.ofSeconds(1));
        principal(three.check(first.sessionId(), "GET", null)); // first is now the most recently seen
        Login fourth = three.open(alice);
        assertEquals(3, three.size());
        assertEquals(SessionCheck.Refusal.UNKNOWN, refusal(three.check(second.sessionId(), "GET", null)));
        for (Login l : new Login[] {first, third, fourth}) assertEquals(alice, principal(three.check(l.sessionId(), "GET", null)));
    }

    @Test void idleSessionsMakeRoomBeforeALiveOneIsDropped() {
        Sessions two = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12), 2);
        Login old = two.open(alice);
        clock.advance(Duration.ofMinutes(31));
        Login a = two.open(alice);
        Login b = two.open(alice);
        assertEquals(2, two.size());
        assertEquals(alice, principal(two.check(a.sessionId(), "GET", null)));
        assertEquals(alice, principal(two.check(b.sessionId(), "GET", null)));
        assertNotEquals(old.sessionId(), a.sessionId());
    }

    @Test void theTokensPrincipalIsAnOperatorNamedToken() {
        Login l = sessions.open(Principal.TOKEN);
        assertEquals(new Principal("token", Role.OPERATOR), principal(sessions.check(l.sessionId(), "GET", null)));
    }

    @Test void secretsCompareWholeValues() {
        assertTrue(Secrets.equal("abc", "abc"));
        assertFalse(Secrets.equal("abc", "abd"));
        assertFalse(Secrets.equal("abc", "abcd"));
        assertFalse(Secrets.equal("abc", ""));
        assertFalse(Secrets.equal("abc", null));
        assertFalse(Secrets.equal(null, "abc"));
    }
}
