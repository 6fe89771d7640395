package dev.berth.frontdoor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An nginx the front door drives: its own ({@link ManagedNginx}) or the system's ({@link SystemNginx}).
 * Either way a configuration is rendered, checked with `nginx -t` on the whole configuration,
 * put in place and applied by a graceful reload, confirmed by the generation nginx answers.
 */
interface NginxRunner {
    /** What nginx refused, at the berth.yml line the refused line came from; nothing was changed. */
    final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** Where ACME challenge files go (nginx serves /.well-known/acme-challenge/ from it). */
    Path challengeDir();

    /** The configuration these inputs give, as `berth proxy show` prints it. */
    String render(NginxConfig.Inputs in);

    /**
     * Renders, tests and activates; returns the worker processes that served the previous
     * configuration (they drain).
     */
    List<Long> apply(NginxConfig.Inputs in) throws Refused, IOException;

    /** What is live, or empty before the first apply. */
    Optional<String> live() throws IOException;

    /** nginx's master process, when it runs. */
    Optional<Long> master();

    /** Waits until these old workers have exited, at most {@code limit}. */
    boolean drained(List<Long> oldWorkers, Duration limit);

    /** Stops nginx (managed) or takes Berth's files out of it (system). */
    void stop(Duration limit) throws IOException;

    /** "managed nginx 1.22.1 (prefix ...)" or "system nginx ...". */
    String describe();
}
