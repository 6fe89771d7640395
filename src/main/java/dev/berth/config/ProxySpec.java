package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The public side of a berth.yml: how the front door (nginx) runs, and the sites it serves.
 *
 * @param nginx     {@code auto} (managed unless a system nginx is running), {@code managed} (Berth runs
 *                  nginx itself under BERTH_HOME) or {@code system} (an include file per site, the
 *                  system's nginx reloaded)
 * @param httpPort  the public HTTP port
 * @param httpsPort the public HTTPS port (used when a site has TLS)
 * @param includeDir where system mode writes its files, or null for /etc/nginx/conf.d
 * @param nginxConf  system mode: the system nginx's main configuration, or null for /etc/nginx/nginx.conf
 * @param drain     how long in-flight requests and websockets keep an old instance after a switch
 * @param ports     the private ports instances behind the front door are given
 * @param acme      the ACME account, or null when no site uses acme
 * @param sites     the sites, in file order
 */
public record ProxySpec(String nginx, int httpPort, int httpsPort, Path includeDir, Path nginxConf, Duration drain, PortRange ports,
                        Acme acme, List<Site> sites) {
    public static final ProxySpec NONE = new ProxySpec("auto", 80, 443, null, null, Duration.ofSeconds(30), PortRange.DEFAULT, null, List.of());

    /** Whether the file has a public side at all. */
    public boolean any() {
        return !sites.isEmpty();
    }

    /** The apps some site routes to: their instances get private ports. */
    public Set<String> frontedApps() {
        return sites.stream().flatMap(s -> s.routes().stream()).map(Route::app).filter(a -> a != null)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    public Optional<Site> site(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The site serving a domain. */
    public Optional<Site> siteFor(String domain) {
        return sites.stream().filter(s -> s.domains().contains(domain)).findFirst();
    }

    /** Private ports, both ends included. */
    public record PortRange(int first, int last) {
        public static final PortRange DEFAULT = new PortRange(20000, 29999);
    }

    /**
     * @param email     the account's contact
     * @param directory the ACME directory URL (Let's Encrypt's by default)
     * @param staging   the directory `--staging` uses
     * @param trust     a PEM CA certificate the directory's HTTPS is signed by (a private ACME server), or null
     */
    public record Acme(String email, String directory, String staging, Path trust) {
        public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
        public static final String LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
    }

    /**
     * One server block: its names, TLS and routes.
     *
     * @param line            where the site is declared in berth.yml (for errors nginx reports)
     * @param securityHeaders the usual security headers (and HSTS with TLS)
     * @param bodyLimit       client_max_body_size in bytes, or null for nginx's 1 MiB
     * @param rateLimit       per client IP, or null for none
     * @param nginx           raw lines added to the server block, with their berth.yml line
     */
    public record Site(String name, int line, List<String> domains, Tls tls, boolean gzip, boolean securityHeaders,
                       Long bodyLimit, RateLimit rateLimit, List<Route> routes, RawLines nginx) {
        public boolean https() {
            return !(tls instanceof NoTls);
        }
    }

    /**
     * One location: to an app (its instances) or to static files.
     *
     * @param path       the URL prefix ("/api")
     * @param app        the app served here, or null for static files
     * @param root       the static files' directory, or null
     * @param spa        unknown paths get index.html (a single-page app's client routing)
     * @param websockets pass Upgrade through, with long timeouts
     * @param allow      addresses or CIDRs allowed (all others get 403); empty for everyone
     */
    public record Route(String path, int line, String app, Path root, boolean spa, boolean websockets, Long bodyLimit,
                        RateLimit rateLimit, List<String> allow, RawLines nginx) { }

    /** Requests per client IP in nginx's form ("10r/s", "600r/m"), and how many may queue beyond it. */
    public record RateLimit(String rate, int burst) { }

    /** Raw nginx lines from berth.yml; line is where the first one is. */
    public record RawLines(List<String> lines, int line) {
        public static final RawLines NONE = new RawLines(List.of(), 0);
    }

    public sealed interface Tls permits NoTls, AcmeTls, FileTls { }

    public record NoTls() implements Tls { }

    /** A certificate Berth gets and renews from the ACME directory. */
    public record AcmeTls() implements Tls { }

    /** A certificate and key the user provides. */
    public record FileTls(Path certificate, Path key) implements Tls { }
}
