package dev.berth.cli;

/** One recorded event as the daemon shows it; target (an app or backup:NAME) is there when events of several are listed. */
record EventReply(Long atMillis, String target, Long instance, String kind, String message) {
    static EventReply of(Reply e) {
        return new EventReply(e.number("at_ms"), e.string("target"), e.number("instance"), e.string("kind"), e.string("message"));
    }
}
