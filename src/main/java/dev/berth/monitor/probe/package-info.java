/**
 * Health probes: given a probe definition and a timeout, run it once and return a
 * {@link ProbeResult}. No scheduling, config parsing or alerting here.
 *
 * <p>Kinds ({@link Probe}): HTTP, TCP, TLS certificate expiry, a
 * command's exit code, host CPU / memory / swap / load / disk ({@link
 * HostProbe}, sharing one {@link HostStats}),
 * NVIDIA GPU, and a log file's error rate.
 *
 * <p>The HTTP probe's request goes through {@code dev.berth.http}, which readiness and the deploy
 * health gate share; what counts as healthy (statuses, body, JSON path, latency) is decided here.
 *
 * <p>Rules every probe keeps: it never throws (an error is CRITICAL with the error's text); its
 * message names the value, the threshold crossed and the state, as in "latency 3412 ms &gt;
 * 3000 ms (critical)"; reaching a threshold counts as crossing it.
 *
 * <p>Default thresholds (warning / critical): HTTP and TCP latency none / 3000 ms; TLS days
 * left 14 / 7 (lower is worse); CPU 80 / 95 %; memory 85 / 95 %; swap 50 / 80 %; disk and
 * inodes 90 / 95 %; load per core 1.5 / 3; GPU memory 90 / 95 %, GPU utilization none.
 */
package dev.berth.monitor.probe;
