/**
 * The one HTTP probe: a request ({@link dev.berth.http.HttpProbeRequest}) sent with one deadline,
 * a TLS trust choice and a bounded body read, answered by a typed
 * {@link dev.berth.http.HttpProbeAnswer} (status, body prefix, elapsed time, problem text). An
 * app's readiness, the deploy health gate and HTTP checks are built on it; what counts as
 * healthy is theirs. A low layer: it imports nothing of Berth's.
 */
package dev.berth.http;
