package dev.berth.alert;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One thing worth telling someone about: a check, app, backup or deploy on a server that
 * changed state. A message to a channel carries a list of these, so what failed together
 * arrives together.
 *
 * @param server    host name the alert is about
 * @param subject   what it is about: "check http-api", "app web", "backup maindb", "deploy web"
 * @param state     CRITICAL, WARNING, OK (recovered) or INFO
 * @param value     the measured value, e.g. "3412 ms"; null when there is none
 * @param threshold the limit it crossed, e.g. "> 3000 ms"; null when there is none
 * @param since     when the state began
 * @param message   detail in words; may be empty
 */
public record Alert(String server, String subject, String state, String value, String threshold,
                    Instant since, String message) {
    public static final String CRITICAL = "CRITICAL";
    public static final String WARNING = "WARNING";
    public static final String OK = "OK";
    public static final String INFO = "INFO";

    /** Most severe first: a message takes the colour and subject line of its worst alert. */
    static final List<String> STATES = List.of(CRITICAL, WARNING, INFO, OK);

    public Alert {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(since, "since");
        if (!STATES.contains(state)) throw new IllegalArgumentException("alert state must be one of " + STATES + ", not " + state);
        if (message == null) message = "";
    }
}
