package dev.berth.monitor.probe;

import java.time.Duration;

/**
 * One kind of health probe: given its definition, run it once within a timeout and say how it
 * came out. A probe never throws: a failure to measure (connection refused, timeout, DNS, a
 * missing file) is a CRITICAL result whose message is the error.
 *
 * <p>Scheduling, config parsing and alerting live elsewhere; probes that keep state between
 * runs ({@link LogErrorRateProbe}, the CPU sample in {@link HostStats}) are meant to be
 * long-lived objects run by one scheduler.
 */
public sealed interface Probe
        permits HttpProbe, TcpProbe, TlsProbe, CommandProbe, HostProbe, GpuProbe, LogErrorRateProbe {

    ProbeResult run(Duration timeout);
}
