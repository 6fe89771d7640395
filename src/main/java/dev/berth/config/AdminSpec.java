package dev.berth.config;

import java.nio.file.Path;
import java.util.List;

/**
 * admin: a second listener for the dashboard and the API, beside the daemon's 127.0.0.1 port.
 *
 * @param host  the address it listens on (a literal), or null for none
 * @param allow addresses and CIDRs that may connect; everyone else gets a bare 403
 * @param site  the front door site whose certificate it serves (renewed with it), or null
 * @param cert  a PEM certificate chain of the user's, with key, or null
 * @param line  where admin: is in berth.yml
 */
public record AdminSpec(String host, int port, List<String> allow, String site, Path cert, Path key, int line) {
    public static final AdminSpec NONE = new AdminSpec(null, 0, List.of(), null, null, null, 0);

    public boolean any() {
        return host != null;
    }

    public boolean tls() {
        return site != null || cert != null;
    }
}
