package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attempts per address, with lockouts that grow, on a clock the test moves. */
class LoginThrottleTest {
    private final TestClock clock = new TestClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** Five attempts admitted; the sixth starts the lockout and says how long it is. */
    private Duration burst(InetAddress from) {
        for (int i = 0; i < 5; i++) assertTrue(throttle.admit(from).admitted(), "attempt " + (i + 1));
        LoginThrottle.Admission sixth = throttle.admit(from);
        assertFalse(sixth.admitted());
        return sixth.retryAfter();
    }

    @Test void fiveAttemptsAMinuteThenLockoutsOfOneTwoFourEightAndFifteenMinutes() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int minutes : List.of(1, 2, 4, 8, 15, 15)) {
            Duration lockout = burst(a);
            assertEquals(Duration.ofMinutes(minutes), lockout);
            clock.advance(lockout.minusSeconds(1));
            LoginThrottle.Admission still = throttle.admit(a);
            assertFalse(still.admitted());
            assertEquals(Duration.ofSeconds(1), still.retryAfter());
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test void attemptsOlderThanTheWindowNoLongerCount() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            assertTrue(throttle.admit(a).admitted());
            clock.advance(Duration.ofSeconds(10)); // at 0, 10, 20, 30, 40 s
        }
        clock.advance(Duration.ofSeconds(9)); // 59 s: all five are within the minute
        assertFalse(throttle.admit(a).admitted());
        LoginThrottle fresh = new LoginThrottle(clock);
        for (int i = 0; i < 5; i++) {
            assertTrue(fresh.admit(a).admitted());
            clock.advance(Duration.ofSeconds(10));
        }
        clock.advance(Duration.ofSeconds(10)); // 60 s: the first has left the window
        assertTrue(fresh.admit(a).admitted());
    }

    @Test void refusedAttemptsDoNotLengthenTheLockout() throws Exception {
        InetAddress a = ip("192.0.2.1");
        burst(a);
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertFalse(throttle.admit(a).admitted());
        }
        clock.advance(Duration.ofSeconds(30));
        assertTrue(throttle.admit(a).admitted(), "one minute after it began, whatever came meanwhile");
    }

    @Test void aSuccessfulLoginForgetsTheAttemptsAndTheLockouts() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 4; i++) throttle.admit(a);
        throttle.succeeded(a);
        assertEquals(Duration.ofMinutes(1), burst(a), "five more after the success");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Duration.ofMinutes(2), burst(a));
        clock.advance(Duration.ofMinutes(2));
        assertTrue(throttle.admit(a).admitted());
        throttle.succeeded(a);
        assertEquals(Duration.ofMinutes(1), burst(a), "the lockouts start again from one minute");
    }

    @Test void fifteenQuietMinutesAfterALockoutForgetIt() throws Exception {
        InetAddress a = ip("192.0.2.1");
        burst(a);
        clock.advance(Duration.ofMinutes(1).plusMinutes(14));
        assertEquals(Duration.ofMinutes(2), burst(a), "14 quiet minutes: still remembered");
        clock.advance(Duration.ofMinutes(2).plusMinutes(15));
        assertEquals(Duration.ofMinutes(1), burst(a), "15: forgotten");
    }

    @Test void addressesAreCountedApartAndIpv6ByItsSlash64() throws Exception {
        burst(ip("192.0.2.1"));
        assertTrue(throttle.admit(ip("192.0.2.2")).admitted());
        burst(ip("2001:db8:1:2::1"));
        assertFalse(throttle.admit(ip("2001:db8:1:2:ffff::9")).admitted(), "the same /64");
        assertTrue(throttle.admit(ip("2001:db8:1:3::1")).admitted(), "another /64");
        assertFalse(throttle.admit(ip("::ffff:192.0.2.1")).admitted(), "IPv4-mapped is the IPv4 address");
    }

    @Test void atMostSoManyAddressesAreRememberedTheQuietestMakeRoom() throws Exception {
        LoginThrottle three = new LoginThrottle(clock, 5, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 3);
        for (int i = 0; i < 5; i++) three.admit(ip("192.0.2.1"));
        clock.advance(Duration.ofSeconds(1));
        for (int i = 2; i <= 4; i++) {
            three.admit(ip("192.0.2." + i));
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(3, three.tracked());
        assertTrue(three.admit(ip("192.0.2.1")).admitted(), "192.0.2.1 was the quietest and made room");
    }

    @Test void theLockoutDoublesUpToTheLongest() {
        assertEquals(List.of(1L, 2L, 4L, 8L, 15L, 15L, 15L),
                List.of(1, 2, 3, 4, 5, 6, 40).stream().map(n -> throttle.lockout(n).toMinutes()).toList());
    }
}
