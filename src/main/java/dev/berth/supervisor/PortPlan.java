package dev.berth.supervisor;

/**
 * The one place that decides which port an instance listens on. Today each instance gets
 * the app's port plus its index; when a router owns the public port, instances will get
 * private ports from here instead.
 */
public final class PortPlan {
    public Integer portFor(Integer appPort, int instanceIndex) {
        return appPort == null ? null : appPort + instanceIndex;
    }
}
