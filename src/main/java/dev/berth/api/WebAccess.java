package dev.berth.api;

import com.sun.net.httpserver.HttpExchange;
import dev.berth.access.AccessPolicy;
import dev.berth.access.AuditLog;
import dev.berth.access.AuditRecord;
import dev.berth.access.Login;
import dev.berth.access.LoginOutcome;
import dev.berth.access.Logins;
import dev.berth.access.Principal;
import dev.berth.access.SessionCheck;
import dev.berth.access.SessionCookie;
import dev.berth.access.Sessions;
import dev.berth.access.LoginTickets;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who a request is, for the API and the dashboard: the daemon's bearer token (the CLI, scripts),
 * or a dashboard session cookie with its CSRF token on every POST. Logins and logouts are the
 * routes under /api/v1/session; every POST, whoever makes it, goes to the audit log.
 */
public final class WebAccess {
    private static final Logger LOG = Logger.getLogger(WebAccess.class.getName());

    private final String daemonToken;
    private final Logins logins;
    private final Sessions sessions;
    private final LoginTickets tickets;
    private final AuditLog audit;
    private final Clock clock;

    public WebAccess(String daemonToken, Logins logins, Sessions sessions, LoginTickets tickets, AuditLog audit, Clock clock) {
        this.daemonToken = daemonToken;
        this.logins = logins;
        this.sessions = sessions;
        this.tickets = tickets;
        this.audit = audit;
        this.clock = clock;
    }

    /** The request's principal; ApiError 401 or 403 when it has none or may not do this. */
    Principal authenticate(HttpExchange ex, String method, String path) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            if (auth.startsWith("Bearer ") && Token.matches(daemonToken, auth.substring(7).trim())) return Principal.CLI;
            throw new ApiError(401, "UNAUTHORIZED", "missing or wrong token (it is in BERTH_HOME/token)");
        }
        String id = SessionCookie.idFrom(ex.getRequestHeaders().getFirst("Cookie")).orElse(null);
        if (id == null) throw new ApiError(401, "UNAUTHORIZED", "missing or wrong token (it is in BERTH_HOME/token), or no dashboard session");
        SessionCheck c = logins.check(id, method, ex.getRequestHeaders().getFirst("X-CSRF-Token"));
        if (c instanceof SessionCheck.Refused r) {
            String code = r.reason().status() == 403 ? "CSRF" : "UNAUTHORIZED";
            throw new ApiError(r.reason().status(), code, r.reason().message());
        }
        Principal who = ((SessionCheck.Valid) c).principal();
        if (!AccessPolicy.permits(who.role(), method, path)) {
            throw new ApiError(403, "FORBIDDEN", who.name() + " is a " + who.role().name().toLowerCase() + ": this needs an operator");
        }
        return who;
    }

    /** Answers the session routes; false for any other path. */
    boolean answersSession(HttpExchange ex, String method, String path, Map<String, Object> body, Answer answer) throws IOException {
        boolean tls = ex instanceof com.sun.net.httpserver.HttpsExchange;
        InetAddress from = ex.getRemoteAddress().getAddress();
        switch (method + " " + path) {
            case "POST /api/v1/session" -> {
                LoginOutcome o;
                Object presented = body.get("token");
                if (presented instanceof String t && !t.isEmpty()) {
                    o = tickets.redeem(t) ? new LoginOutcome.LoggedIn(sessions.open(Principal.TOKEN)) : logins.withToken(from, t, daemonToken);
                } else {
                    String user = body.get("user") instanceof String u ? u : "";
                    String password = body.get("password") instanceof String p ? p : "";
                    o = logins.withPassword(from, user, password.toCharArray());
                }
                switch (o) {
                    case LoginOutcome.LoggedIn in -> {
                        Login l = in.login();
                        record(l.principal(), from, method, path, null, 200);
                        answer.send(200, session(l.principal(), l.csrfToken()),
                                Map.of("Set-Cookie", SessionCookie.set(l.sessionId(), sessions.absoluteTimeout(), tls)));
                    }
                    case LoginOutcome.Wrong w -> {
                        record(new Principal(body.get("user") instanceof String u && !u.isBlank() ? u : "token", dev.berth.access.Role.VIEWER),
                                from, method, path, "login refused", 401);
                        answer.send(401, ApiServer.error("LOGIN_FAILED", "wrong user, password or token", List.of()), Map.of());
                    }
                    case LoginOutcome.Throttled t -> {
                        long s = Math.max(1, t.retryAfter().toSeconds());
                        Map<String, Object> e = ApiServer.error("LOGIN_LIMITED", "too many failed logins from " + from.getHostAddress()
                                + "; try again in " + s + " s", List.of());
                        e.put("retry_after_s", s);
                        answer.send(429, e, Map.of("Retry-After", Long.toString(s)));
                    }
                    case LoginOutcome.Busy b -> answer.send(503, ApiServer.error("LOGIN_LIMITED", "too many logins at once; try again", List.of()),
                            Map.of("Retry-After", "1"));
                }
                return true;
            }
            case "GET /api/v1/session" -> {
                String id = SessionCookie.idFrom(ex.getRequestHeaders().getFirst("Cookie")).orElse(null);
                SessionCheck c = id == null ? new SessionCheck.Refused(SessionCheck.Refusal.NO_SESSION) : logins.check(id, "GET", null);
                if (c instanceof SessionCheck.Valid v) answer.send(200, session(v.principal(), v.csrfToken()), Map.of());
                else answer.send(401, ApiServer.error("UNAUTHORIZED", ((SessionCheck.Refused) c).reason().message(), List.of()), Map.of());
                return true;
            }
            case "POST /api/v1/session/logout" -> {
                String id = SessionCookie.idFrom(ex.getRequestHeaders().getFirst("Cookie")).orElse(null);
                SessionCheck c = id == null ? new SessionCheck.Refused(SessionCheck.Refusal.NO_SESSION)
                        : logins.check(id, "POST", ex.getRequestHeaders().getFirst("X-CSRF-Token"));
                if (c instanceof SessionCheck.Refused r) {
                    answer.send(r.reason().status(), ApiServer.error(r.reason().status() == 403 ? "CSRF" : "UNAUTHORIZED", r.reason().message(), List.of()),
                            Map.of());
                    return true;
                }
                logins.logout(id);
                record(((SessionCheck.Valid) c).principal(), from, method, path, null, 200);
                answer.send(200, Map.of("message", "logged out"), Map.of("Set-Cookie", SessionCookie.clear(tls)));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** A one-time login ticket for `berth dashboard` (the daemon's token only). */
    Map<String, Object> ticket(Principal who, int port) {
        if (!who.equals(Principal.CLI)) throw new ApiError(403, "FORBIDDEN", "login links are made with the daemon's token (berth dashboard)");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ticket", tickets.issue());
        out.put("port", port);
        out.put("expires_in_s", LoginTickets.LIFETIME.toSeconds());
        return out;
    }

    private static Map<String, Object> session(Principal who, String csrf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", who.name());
        m.put("role", who.role().name().toLowerCase());
        m.put("csrf", csrf);
        return m;
    }

    /** An action, whoever made it: the audit trail of the CLI's and the dashboard's requests alike. */
    void record(Principal who, InetAddress from, String method, String path, String target, int status) {
        try {
            audit.append(AuditRecord.of(clock.instant(), who, from.getHostAddress(), method, path, target, status));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write the audit log", e);
        }
    }

    /** How the session routes answer (status, JSON, extra headers). */
    @FunctionalInterface
    interface Answer {
        void send(int status, Object json, Map<String, String> headers) throws IOException;
    }
}
