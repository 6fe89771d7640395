package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Space and inodes used on one filesystem, or on every real local disk (see {@link HostStats}
 * for which mounts count) where the worst one wins and the message names it.
 *
 * @param mount  a mount point or any path on the filesystem to watch; null for every real disk
 * @param used   limits on space used in percent; warning 90, critical 95 when null
 * @param inodes limits on inodes used in percent; warning 90, critical 95 when null
 */
public record DiskProbe(HostStats host, String mount, Thresholds used, Thresholds inodes) implements HostProbe {

    public static final Thresholds DEFAULT_USED = Thresholds.above(90.0, 95.0);
    public static final Thresholds DEFAULT_INODES = Thresholds.above(90.0, 95.0);

    public DiskProbe {
        Objects.requireNonNull(host, "host");
        used = used == null ? DEFAULT_USED : used;
        inodes = inodes == null ? DEFAULT_INODES : inodes;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            List<MountUsage> watched = mount == null ? host.mounts() : List.of(host.mountContaining(mount));
            if (watched.isEmpty()) return ProbeResult.failed("no local disk found to watch", BoundedCall.elapsedMillis(t0));
            ProbeResult worst = null;
            for (MountUsage m : watched) {
                ProbeResult r = judge(m, BoundedCall.elapsedMillis(t0));
                if (worst == null || r.state().compareTo(worst.state()) > 0
                        || r.state() == worst.state() && r.value() > worst.value()) {
                    worst = r;
                }
            }
            if (watched.size() == 1) return worst;
            return new ProbeResult(worst.state(), worst.value(), worst.unit(),
                    worst.message() + "; worst of " + watched.size() + " disks", BoundedCall.elapsedMillis(t0));
        } catch (NoSuchFileException e) {
            return ProbeResult.failed("disk " + mount + ": no such mount or path", BoundedCall.elapsedMillis(t0));
        } catch (IOException | RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read disk usage: " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }

    /** One mount: its space and inodes judged, the worse of the two giving the state and the value. */
    ProbeResult judge(MountUsage m, long millis) {
        CheckState spaceState = used.state(m.usedPercent());
        String message = "disk " + m.mount() + " " + Quantities.format(m.usedPercent(), "%") + " used "
                + used.verdict(m.usedPercent(), "%");
        if (m.inodesUsedPercent() == null) {
            return new ProbeResult(spaceState, m.usedPercent(), "%", message, millis);
        }
        double inodePercent = m.inodesUsedPercent();
        CheckState inodeState = inodes.state(inodePercent);
        message += ", inodes " + Quantities.format(inodePercent, "%") + " used " + inodes.verdict(inodePercent, "%");
        boolean inodesWorse = inodeState.compareTo(spaceState) > 0;
        return new ProbeResult(CheckState.worst(spaceState, inodeState), inodesWorse ? inodePercent : m.usedPercent(),
                "%", message, millis);
    }
}
