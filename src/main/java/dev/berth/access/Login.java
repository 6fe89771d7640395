package dev.berth.access;

import java.time.Instant;

/**
 * A session just opened: its id goes into the cookie ({@link SessionCookie#set}), its CSRF token
 * to the dashboard in the response body. Neither is ever logged: toString shows ***.
 */
public record Login(String sessionId, String csrfToken, Principal principal, Instant created) {
    @Override public String toString() {
        return "Login[sessionId=***, csrfToken=***, principal=" + principal + ", created=" + created + "]";
    }
}
