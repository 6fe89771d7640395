package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throttle, then hash, then session: in that order. */
class LoginsTest {
    private static final String TOKEN = "the-daemons-token-from-berth-home";
    @TempDir Path home;
    private final TestClock clock = new TestClock();
    private final PasswordHasher hasher = new PasswordHasher(PasswordHasher.OWASP_MEMORY_KIB, 2, 1, 1, 50);
    private final Sessions sessions = new Sessions(clock);
    private Logins logins;
    private InetAddress from;

    @BeforeEach void alice() throws Exception {
        UsersFile users = new UsersFile(home, hasher);
        users.add("alice", Role.OPERATOR, "alice's long password".toCharArray());
        logins = new Logins(users, sessions, new LoginThrottle(clock));
        from = InetAddress.getByName("192.0.2.10");
    }

    @Test void theRightPasswordOpensASessionOfTheUser() throws Exception {
        LoginOutcome o = logins.withPassword(from, "alice", "alice's long password".toCharArray());
        Login login = assertInstanceOf(LoginOutcome.LoggedIn.class, o).login();
        assertEquals(200, o.status());
        assertEquals(new Principal("alice", Role.OPERATOR), ((SessionCheck.Valid) sessions.check(login.sessionId(), "GET", null)).principal());
    }

    @Test void aWrongPasswordOrAnUnknownUserIsTheSameRefusal() throws Exception {
        assertEquals(new LoginOutcome.Wrong(), logins.withPassword(from, "alice", "not the password".toCharArray()));
        assertEquals(new LoginOutcome.Wrong(), logins.withPassword(from, "mallory", "alice's long password".toCharArray()));
        assertEquals(401, new LoginOutcome.Wrong().status());
        assertEquals(0, sessions.size());
    }

    @Test void theDaemonsTokenLogsInAsAnOperatorNamedToken() {
        Login login = assertInstanceOf(LoginOutcome.LoggedIn.class, logins.withToken(from, TOKEN, TOKEN)).login();
        assertEquals(Principal.TOKEN, login.principal());
        assertEquals(new LoginOutcome.Wrong(), logins.withToken(from, TOKEN + "x", TOKEN));
        assertEquals(new LoginOutcome.Wrong(), logins.withToken(from, null, TOKEN));
    }

    /**
     * The sixth attempt within the minute is refused while the hasher has no free slot: had it
     * hashed, it would have been Busy. So the throttle answers before any password work.
     */
    @Test void theThrottleAnswersBeforeThePasswordIsHashed() throws Exception {
        for (int i = 0; i < 5; i++) assertEquals(new LoginOutcome.Wrong(), logins.withPassword(from, "alice", ("guess number " + i).toCharArray()));
        hasher.slots.acquire();
        try {
            LoginOutcome sixth = logins.withPassword(from, "alice", "alice's long password".toCharArray());
            assertEquals(new LoginOutcome.Throttled(Duration.ofMinutes(1)), sixth);
            assertEquals(429, sixth.status());
            assertEquals(new LoginOutcome.Throttled(Duration.ofMinutes(1)), logins.withToken(from, TOKEN, TOKEN), "the token too");
            LoginOutcome other = logins.withPassword(InetAddress.getByName("192.0.2.11"), "alice", "alice's long password".toCharArray());
            assertEquals(new LoginOutcome.Busy(), other, "another address is admitted, and then waits for the hasher");
            assertEquals(503, other.status());
        } finally {
            hasher.slots.release();
        }
        clock.advance(Duration.ofMinutes(1));
        assertInstanceOf(LoginOutcome.LoggedIn.class, logins.withPassword(from, "alice", "alice's long password".toCharArray()));
    }

    @Test void aUserRemovedOrGivenAnotherPasswordOrRoleLosesTheirSessionsAtTheNextRequest() throws Exception {
        UsersFile cli = new UsersFile(home, hasher); // `berth user`, in another process
        Login before = ((LoginOutcome.LoggedIn) logins.withPassword(from, "alice", "alice's long password".toCharArray())).login();
        assertInstanceOf(SessionCheck.Valid.class, logins.check(before.sessionId(), "GET", null));

        cli.remove("alice");
        cli.add("alice", Role.OPERATOR, "alice's new password".toCharArray()); // same name and role, another password
        assertEquals(new SessionCheck.Refused(SessionCheck.Refusal.USER_CHANGED), logins.check(before.sessionId(), "GET", null));
        assertEquals(new SessionCheck.Refused(SessionCheck.Refusal.UNKNOWN), logins.check(before.sessionId(), "GET", null));

        Login after = ((LoginOutcome.LoggedIn) logins.withPassword(from, "alice", "alice's new password".toCharArray())).login();
        assertInstanceOf(SessionCheck.Valid.class, logins.check(after.sessionId(), "POST", after.csrfToken()));
        cli.remove("alice");
        cli.add("alice", Role.VIEWER, "alice's new password".toCharArray());
        assertEquals(new SessionCheck.Refused(SessionCheck.Refusal.USER_CHANGED), logins.check(after.sessionId(), "GET", null), "another role");

        Login token = ((LoginOutcome.LoggedIn) logins.withToken(from, TOKEN, TOKEN)).login();
        cli.remove("alice");
        assertInstanceOf(SessionCheck.Valid.class, logins.check(token.sessionId(), "GET", null), "the token's session is no user's");
        assertEquals(new SessionCheck.Refused(SessionCheck.Refusal.CSRF_MISSING), logins.check(token.sessionId(), "POST", null));
    }

    @Test void logoutEndsTheSession() throws Exception {
        Login login = ((LoginOutcome.LoggedIn) logins.withToken(from, TOKEN, TOKEN)).login();
        assertEquals(true, logins.logout(login.sessionId()));
        assertEquals(new SessionCheck.Refused(SessionCheck.Refusal.UNKNOWN), logins.check(login.sessionId(), "GET", null));
        assertEquals(false, logins.logout(login.sessionId()));
    }

    @Test void aSuccessfulLoginClearsTheAddressesFailures() throws Exception {
        for (int i = 0; i < 4; i++) logins.withToken(from, "wrong", TOKEN);
        assertInstanceOf(LoginOutcome.LoggedIn.class, logins.withToken(from, TOKEN, TOKEN));
        for (int i = 0; i < 5; i++) assertEquals(new LoginOutcome.Wrong(), logins.withToken(from, "wrong", TOKEN));
        assertInstanceOf(LoginOutcome.Throttled.class, logins.withToken(from, TOKEN, TOKEN));
    }
}
