package dev.berth.frontdoor;

import dev.berth.config.ProxySpec;
import dev.berth.config.ProxySpec.Site;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * When each ACME site's certificate is (re)ordered: when it has none, or 30 days before it
 * expires. A failure waits before the next try, doubling from one hour up to a day, and that
 * wait is kept on disk, so neither a loop nor a restarted daemon hammers the CA (Let's Encrypt
 * allows 5 failed validations per hostname an hour).
 */
final class CertificateRenewal {
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Duration FIRST_WAIT = Duration.ofHours(1);
    private static final Duration LONGEST_WAIT = Duration.ofDays(1);

    /** What a renewal tells the rest of Berth: a certificate got, or a failure (which alerts). */
    @FunctionalInterface
    interface Events {
        void record(String site, String kind, String message);
    }

    private final Certificates certificates;
    private final AcmeIssuer issuer;
    private final Clock clock;
    private final Events events;

    CertificateRenewal(Certificates certificates, AcmeIssuer issuer, Clock clock, Events events) {
        this.certificates = certificates;
        this.issuer = issuer;
        this.clock = clock;
        this.events = events;
    }

    /** The last failure of a site and when it may be tried again. */
    record Attempts(int failures, Instant next, String lastError) {
        static final Attempts NONE = new Attempts(0, Instant.EPOCH, null);
    }

    /** Whether the site should be ordered now: no certificate, or 30 days left, and not waiting after a failure. */
    boolean due(Site site) {
        if (!(site.tls() instanceof ProxySpec.AcmeTls)) return false;
        Certificates.Held held = certificates.held(site);
        boolean wanted = held == null || held.notAfter().minus(RENEW_BEFORE).isBefore(clock.instant());
        return wanted && !attempts(site).next().isAfter(clock.instant());
    }

    /**
     * Orders the site's certificate now. A staging order is only a rehearsal: its certificate is
     * kept apart (SITE/staging/) and never served.
     *
     * @return what was done; throws with the CA's words on failure (recorded, and the wait doubled)
     */
    String renew(ProxySpec.Acme acme, Site site, boolean staging, Consumer<String> progress) throws AcmeIssuer.AcmeFailure {
        Path dir = staging ? certificates.siteDir(site).resolve("staging") : certificates.siteDir(site);
        try {
            issuer.issue(acme, staging, site, dir, progress);
        } catch (AcmeIssuer.AcmeFailure e) {
            if (!staging) {
                Attempts a = attempts(site);
                Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(10, a.failures()));
                if (wait.compareTo(LONGEST_WAIT) > 0) wait = LONGEST_WAIT;
                save(site, new Attempts(a.failures() + 1, clock.instant().plus(wait), e.getMessage()));
                events.record(site.name(), "certificate_failed", "certificate for " + String.join(", ", site.domains()) + ": " + e.getMessage()
                        + "; next try after " + clock.instant().plus(wait));
            }
            throw e;
        }
        if (staging) return "a staging certificate was issued (validation works); it is kept in " + dir + " and not served";
        save(site, Attempts.NONE);
        Certificates.Held held = certificates.held(site);
        String what = "certificate for " + String.join(", ", site.domains()) + " valid until " + (held == null ? "?" : held.notAfter());
        events.record(site.name(), "certificate_renewed", what);
        return what;
    }

    Attempts attempts(Site site) {
        Path f = certificates.siteDir(site).resolve("attempts.json");
        try {
            if (!Files.exists(f)) return Attempts.NONE;
            Map<String, Object> m = Json.readMap(Files.readString(f));
            return new Attempts(((Number) m.get("failures")).intValue(), Instant.parse((String) m.get("next")), (String) m.get("last_error"));
        } catch (IOException | RuntimeException e) {
            return Attempts.NONE; // unreadable: tried now, and written anew
        }
    }

    private void save(Site site, Attempts a) {
        try {
            PrivateFiles.directories(certificates.siteDir(site));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("failures", a.failures());
            m.put("next", a.next().toString());
            m.put("last_error", a.lastError());
            PrivateFiles.writeAtomically(certificates.siteDir(site).resolve("attempts.json"), Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // not kept: the next check (hourly) tries again, which is still no loop
        }
    }
}
