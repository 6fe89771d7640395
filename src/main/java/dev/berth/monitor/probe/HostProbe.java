package dev.berth.monitor.probe;

/**
 * Probes of the host itself, read through one shared {@link HostStats} (the daemon creates one
 * and hands it to every host probe). They read /proc and statvfs and take no noticeable time,
 * so the timeout does not apply to them, except that the very first CPU reading samples for
 * about 200 ms.
 */
public sealed interface HostProbe extends Probe permits HostPercentProbe, LoadProbe, DiskProbe {

    HostStats host();
}
