package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** `berth dashboard`'s one-time tickets: good once, for five minutes, and only the ones issued. */
class LoginTicketsTest {
    @Test void aTicketWorksOnceWithinItsLifetime() {
        TestClock clock = new TestClock();
        LoginTickets tickets = new LoginTickets(clock);
        String t = tickets.issue();
        assertNotEquals(t, tickets.issue());
        assertFalse(tickets.redeem(t + "x"), "not one issued");
        assertTrue(tickets.redeem(t));
        assertFalse(tickets.redeem(t), "used up");
        String late = tickets.issue();
        clock.advance(LoginTickets.LIFETIME.plus(Duration.ofSeconds(1)));
        assertFalse(tickets.redeem(late), "too old");
    }

    @Test void atMostMostAreOutstandingTheOldestGoFirst() {
        LoginTickets tickets = new LoginTickets(new TestClock());
        String first = tickets.issue();
        for (int i = 0; i < LoginTickets.MOST; i++) tickets.issue();
        assertFalse(tickets.redeem(first));
    }
}
