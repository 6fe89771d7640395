package dev.berth.http;

/**
 * What a probe's request came to: an answer (its status and the start of its body), or why there
 * was none.
 *
 * @param outcome       whether the server answered, and if not, why not
 * @param status        the HTTP status; 0 without an answer
 * @param body          the first bodyLimit bytes of the body as UTF-8 text; empty without an answer
 * @param truncated     the body went on past what was read
 * @param elapsedMillis from sending to the end of the read body (or the failure)
 * @param problem       the short text of what went wrong ("connection refused", "timed out"); null for an answer
 */
public record HttpProbeAnswer(Outcome outcome, int status, String body, boolean truncated, long elapsedMillis, String problem) {

    public enum Outcome {
        ANSWERED,
        /** The client refused to build the request (bad scheme, restricted header): nothing was sent. */
        INVALID_REQUEST,
        /** Connecting, sending or reading failed, or the status line did not come in time. */
        FAILED,
        /** The whole exchange, body included, outlasted the timeout. */
        TIMED_OUT
    }

    public boolean answered() {
        return outcome == Outcome.ANSWERED;
    }

    /** Whether the server answered with exactly this status. */
    public boolean answeredWith(int expected) {
        return answered() && status == expected;
    }

    static HttpProbeAnswer answer(int status, String body, boolean truncated, long elapsedMillis) {
        return new HttpProbeAnswer(Outcome.ANSWERED, status, body, truncated, elapsedMillis, null);
    }

    static HttpProbeAnswer none(Outcome outcome, String problem, long elapsedMillis) {
        return new HttpProbeAnswer(outcome, 0, "", false, elapsedMillis, problem);
    }
}
