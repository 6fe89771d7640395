package dev.berth.frontdoor;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.berth.config.BerthFile;
import dev.berth.config.ProxySpec;
import dev.berth.config.ProxySpec.Site;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import dev.berth.supervisor.TrafficSwitch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The front door: nginx in front of the apps that sites route to. It owns the public ports, the
 * generated configuration and which instance gets traffic. Every change goes render → `nginx -t`
 * on the whole file → atomic swap → graceful reload, one at a time; a configuration nginx
 * refuses is never activated. As the supervisor's {@link TrafficSwitch} it moves an app's
 * traffic to new instances and says when the old ones have drained.
 */
public final class FrontDoor implements TrafficSwitch {
    private static final Logger LOG = Logger.getLogger(FrontDoor.class.getName());

    private final Path dir;
    private final Supervisor supervisor;
    private final ProcessTree tree;
    private final Certificates certificates;
    private final java.time.Clock clock;
    private final CertificateRenewal.Events events;
    private CertificateRenewal renewal;
    /** Held while a certificate is ordered: one order at a time, never two for one site. */
    private final Object ordering = new Object();
    private NginxRunner nginx;
    /** The mode nginx was made for ("managed", "system"): a berth.yml that changes it gets a new one. */
    private String nginxMode;
    /** The berth.yml whose sites are served, or null before any. */
    private BerthFile file;
    private final Map<String, List<Integer>> upstreams = new LinkedHashMap<>();
    /** Counted up from a random start: no two front doors (nor daemons of one) count the same numbers. */
    private long generation = new java.security.SecureRandom().nextLong() >>> 2;

    /** A change the front door could not make; the running configuration is as it was. */
    public static final class FrontDoorException extends Exception {
        public FrontDoorException(String message) {
            super(message);
        }
    }

    public FrontDoor(Path frontdoorDir, Supervisor supervisor, ProcessTree tree) {
        this(frontdoorDir, supervisor, tree, java.time.Clock.systemUTC(), (site, kind, message) -> LOG.info(kind + " " + site + ": " + message));
    }

    /**
     * @param clock  what certificate expiry is judged by (tests move it)
     * @param events where a renewed or failed certificate is recorded (kind certificate_renewed or certificate_failed, which alerts)
     */
    public FrontDoor(Path frontdoorDir, Supervisor supervisor, ProcessTree tree, java.time.Clock clock, CertificateEvents events) {
        this.dir = frontdoorDir;
        this.supervisor = supervisor;
        this.tree = tree;
        this.certificates = new Certificates(frontdoorDir.resolve("certificates"));
        this.clock = clock;
        this.events = events::record;
    }

    /** Where a certificate renewal or failure is recorded. */
    @FunctionalInterface
    public interface CertificateEvents {
        void record(String site, String kind, String message);
    }

    /**
     * The berth.yml last applied (kept across daemons) with the profile and the ${VAR} values it
     * was read with, so that a restarted daemon reads it the same way. The variables come sealed
     * by the caller (passwords, keys): never in clear on disk.
     */
    public record Source(Path config, String profile, String sealedVariables) { }

    /** The berth.yml last applied, or empty. */
    public Optional<Source> source() {
        try {
            Map<String, Object> saved = Json.readMap(Files.readString(dir.resolve("source.json")));
            return saved.get("config") instanceof String s
                    ? Optional.of(new Source(Path.of(s), saved.get("profile") instanceof String p ? p : null,
                            saved.get("variables") instanceof String v ? v : null))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot read " + dir.resolve("source.json") + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    public synchronized Optional<BerthFile> serving() {
        return Optional.ofNullable(file);
    }

    /**
     * Serves the sites of this berth.yml from now on (a file without sites changes nothing).
     *
     * @return what changed, for the user
     */
    public synchronized String use(BerthFile next) throws FrontDoorException {
        return use(next, null, null);
    }

    /** As {@link #use(BerthFile)}, for a file read with this profile and these (sealed) variables. */
    public synchronized String use(BerthFile next, String profile, String sealedVariables) throws FrontDoorException {
        if (!next.proxy().any()) return "no sites";
        if (file != null && !file.path().equals(next.path()) && Files.exists(file.path())) {
            // two files' sites in one nginx would need one owner for each domain and port: one file owns the front door
            throw new FrontDoorException("the front door serves the sites of " + file.path() + "; Berth serves the sites of one berth.yml:"
                    + " move these into it, or remove sites: from it first");
        }
        BerthFile before = file;
        file = next;
        try {
            String what = apply();
            supervisor.frontedBy(this, next.proxy().ports()); // only a file that went live sets the private ports
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("config", next.path().toString());
            if (profile != null) source.put("profile", profile);
            if (sealedVariables != null) source.put("variables", sealedVariables);
            PrivateFiles.writeAtomically(dir.resolve("source.json"), Json.pretty(source).getBytes(StandardCharsets.UTF_8));
            // a site with tls: acme and no certificate yet gets one now, not at the next hourly round
            if (next.proxy().sites().stream().anyMatch(s -> s.tls() instanceof ProxySpec.AcmeTls && certificates.held(s) == null)) {
                Thread.ofVirtual().name("berth-certificates").start(this::renewDue);
            }
            return what;
        } catch (FrontDoorException | IOException e) {
            file = before;
            throw e instanceof FrontDoorException f ? f : new FrontDoorException(e.getMessage());
        }
    }

    /**
     * After a daemon restart: the sites of the berth.yml the previous daemon served, taken back
     * without touching nginx (it kept running); {@link #refresh} renders once the apps are adopted,
     * so that nginx never sees them without instances.
     */
    public synchronized void resume(BerthFile served) {
        if (!served.proxy().any()) return;
        file = served;
        supervisor.frontedBy(this, served.proxy().ports());
    }

    @Override public Drain route(String app, List<Integer> ports) throws SwitchFailure {
        List<Long> old;
        ProxySpec proxy;
        synchronized (this) {
            if (file == null || !file.proxy().frontedApps().contains(app)) {
                // a no-op here would let the old instance be stopped while nginx still sends to it
                throw new SwitchFailure("the front door serves no site that routes to " + app
                        + (file == null ? " (no sites are served: `berth proxy apply`)" : " (it serves the sites of " + file.path() + ")"));
            }
            List<Integer> previous = upstreams.put(app, List.copyOf(ports));
            try {
                old = activate();
            } catch (FrontDoorException e) {
                if (previous == null) upstreams.remove(app); else upstreams.put(app, previous);
                throw new SwitchFailure(e.getMessage());
            }
            proxy = file.proxy();
        }
        NginxRunner n = nginx;
        // nginx ends an old worker's connections at worker_shutdown_timeout: a little more is all a drain can take
        return () -> n.drained(old, proxy.drain().plusSeconds(2));
    }

    /** The live configuration, as nginx reads it, or empty when there is none. */
    public synchronized Optional<String> live() throws IOException {
        if (file == null && nginx == null) {
            Path managed = dir.resolve("nginx/nginx.conf"); // before this daemon served anything: what the last one left
            return Files.exists(managed) ? Optional.of(Files.readString(managed)) : Optional.empty();
        }
        try {
            return nginx().live();
        } catch (FrontDoorException e) {
            return Optional.empty();
        }
    }

    /** A unified diff from the live configuration to what this berth.yml would give ("" when the same). */
    public synchronized String diff(BerthFile next) throws IOException, FrontDoorException {
        String now = live().orElse("");
        String would = nginx(next.proxy()).render(inputs(next, generationIn(now)));
        List<String> a = now.isEmpty() ? List.of() : List.of(now.split("\n", -1));
        List<String> b = List.of(would.split("\n", -1));
        if (a.equals(b)) return "";
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("live/nginx.conf", "berth.yml/nginx.conf", a, DiffUtils.diff(a, b), 3)) + "\n";
    }

    /** Each site's routes and the upstreams behind them, with whether each instance is up. */
    public synchronized List<SiteState> status() {
        if (file == null) return List.of();
        List<SiteState> out = new java.util.ArrayList<>();
        for (Site s : file.proxy().sites()) {
            List<RouteState> routes = new java.util.ArrayList<>();
            for (ProxySpec.Route r : s.routes()) {
                List<UpstreamState> ups = new java.util.ArrayList<>();
                if (r.app() != null) {
                    for (int port : portsOf(r.app())) ups.add(new UpstreamState(port, listening(port)));
                }
                routes.add(new RouteState(r.path(), r.app(), r.root() == null ? null : r.root().toString(), ups));
            }
            Certificates.Held cert = s.https() ? certificates.held(s) : null;
            out.add(new SiteState(s.name(), s.domains(), tlsOf(s), cert == null ? null : cert.notAfter().toString(), routes));
        }
        return out;
    }

    public record SiteState(String site, List<String> domains, String tls, String certificateExpires, List<RouteState> routes) { }

    public record RouteState(String path, String app, String root, List<UpstreamState> upstreams) { }

    public record UpstreamState(int port, boolean up) { }

    /** How long a switch lets what is in flight finish (proxy.drain of the served file). */
    public synchronized java.time.Duration drain() {
        return (file == null ? ProxySpec.NONE : file.proxy()).drain();
    }

    /** nginx's master pid when it runs. */
    public synchronized Optional<Long> nginxPid() {
        try {
            return nginx().master();
        } catch (FrontDoorException e) {
            return Optional.empty();
        }
    }

    /** Stops Berth's nginx, keeping what it serves for the next start (tests): what it serves finishes first, within the drain timeout. */
    public synchronized void stop() throws IOException {
        if (nginx == null && Nginx.find().isEmpty()) return;
        try {
            nginx().stop((file == null ? ProxySpec.NONE.drain() : file.proxy().drain()).plusSeconds(2));
        } catch (FrontDoorException e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * `berth proxy stop`: the sites stop being served (managed nginx exits once what it serves
     * finishes within the drain timeout; in system mode Berth's files come out and the system's
     * nginx reloads), and no later daemon brings them back. The apps behind them keep running on
     * their private ports; `berth proxy apply`, or a start or reload from the berth.yml, serves
     * them again.
     */
    public synchronized String takeDown() throws FrontDoorException {
        Optional<Source> source = source();
        if (file == null && source.isEmpty()) return "the front door serves nothing";
        int sites = file == null ? 0 : file.proxy().sites().size();
        try {
            nginx().stop((file == null ? ProxySpec.NONE.drain() : file.proxy().drain()).plusSeconds(2));
            Files.deleteIfExists(dir.resolve("source.json"));
        } catch (IOException e) {
            throw new FrontDoorException("the front door could not be stopped: " + e.getMessage());
        }
        file = null;
        upstreams.clear();
        return "stopped serving " + (sites == 0 ? "the sites" : sites + " site(s)") + " of "
                + source.map(x -> x.config().toString()).orElse("berth.yml") + "; the apps behind them keep running";
    }

    // ---- certificates -----------------------------------------------------------------------------

    /** The certificate chain and key files a TLS site serves now (the admin listener serves them too), or empty. */
    public synchronized Optional<Path[]> certificateFiles(String siteName) {
        if (file == null) return Optional.empty();
        return file.proxy().sites().stream().filter(s -> s.name().equals(siteName)).findFirst().map(certificates::forSite)
                .map(c -> new Path[] {c.chain(), c.key()});
    }

    public record CertificateState(String site, List<String> domains, String kind, String notAfter, Long daysLeft, String subject,
                                   String lastError, String nextAttempt) { }

    /** Every TLS site's certificate: where it comes from, until when, and the last failure. */
    public synchronized List<CertificateState> certificates() {
        List<CertificateState> out = new java.util.ArrayList<>();
        if (file == null) return out;
        for (Site s : file.proxy().sites()) {
            if (!s.https()) continue;
            Certificates.Held h = certificates.held(s);
            CertificateRenewal.Attempts a = s.tls() instanceof ProxySpec.AcmeTls ? renewal().attempts(s) : CertificateRenewal.Attempts.NONE;
            out.add(new CertificateState(s.name(), s.domains(), tlsOf(s), h == null ? null : h.notAfter().toString(),
                    h == null ? null : java.time.Duration.between(clock.instant(), h.notAfter()).toDays(), h == null ? null : h.subject(),
                    a.lastError(), a.failures() == 0 ? null : a.next().toString()));
        }
        return out;
    }

    /**
     * Orders the certificate of the site with this name or domain now, and serves it.
     *
     * @param staging from the staging directory: a rehearsal, never served
     */
    public String renew(String siteOrDomain, boolean staging) throws FrontDoorException {
        return renew(siteOrDomain, staging, false);
    }

    private String renew(String siteOrDomain, boolean staging, boolean onlyIfDue) throws FrontDoorException {
        Site site;
        ProxySpec.Acme acme;
        synchronized (this) {
            if (file == null) throw new FrontDoorException("no sites are served yet (`berth proxy apply`)");
            site = file.proxy().site(siteOrDomain).or(() -> file.proxy().siteFor(siteOrDomain)).orElseThrow(() ->
                    new FrontDoorException("no site or domain \"" + siteOrDomain + "\" in " + file.path()));
            if (!(site.tls() instanceof ProxySpec.AcmeTls)) throw new FrontDoorException("site " + site.name() + " has tls: " + tlsOf(site)
                    + "; only tls: acme certificates are renewed by Berth");
            acme = file.proxy().acme();
            nginx(); // the challenge directory is nginx's
            try {
                if (nginx().live().isEmpty()) activate(); // the challenge must be answerable
            } catch (IOException e) {
                throw new FrontDoorException("cannot read the live nginx configuration: " + e.getMessage());
            }
        }
        // the order talks to the CA for seconds: outside the front door's lock, so switches go on meanwhile; one order at a time
        synchronized (ordering) {
            if (onlyIfDue && !renewal().due(site)) return "not due";
            return order(acme, site, staging);
        }
    }

    private String order(ProxySpec.Acme acme, Site site, boolean staging) throws FrontDoorException {
        try {
            String what = renewal().renew(acme, site, staging, step -> LOG.info("certificate " + site.name() + ": " + step));
            if (!staging) {
                synchronized (this) {
                    activate();
                }
            }
            return what;
        } catch (AcmeIssuer.AcmeFailure e) {
            throw new FrontDoorException(e.getMessage());
        }
    }

    /** Orders what is due (the daemon calls this every few minutes); failures are recorded and wait. */
    public void renewDue() {
        List<Site> due;
        synchronized (this) {
            if (file == null) return;
            due = file.proxy().sites().stream().filter(s -> renewal().due(s)).toList();
        }
        for (Site s : due) {
            try {
                LOG.info(renew(s.name(), false, true));
            } catch (FrontDoorException e) {
                LOG.warning("certificate of site " + s.name() + ": " + e.getMessage());
            }
        }
    }

    private synchronized CertificateRenewal renewal() {
        if (renewal == null) {
            try {
                renewal = new CertificateRenewal(certificates, new AcmeIssuer(dir.resolve("acme"), nginx().challengeDir()), clock, events);
            } catch (FrontDoorException e) {
                // without nginx there is no challenge to answer: the issuer reports it when it tries
                renewal = new CertificateRenewal(certificates, new AcmeIssuer(dir.resolve("acme"), dir.resolve("acme-challenge")), clock, events);
            }
        }
        return renewal;
    }

    /** Renders again from the supervisor's slots (after a daemon's recovery): nginx sends where instances are. */
    public synchronized void refresh() {
        if (file == null) return;
        upstreams.clear();
        try {
            activate();
        } catch (FrontDoorException e) {
            LOG.warning("the front door could not be brought up to date: " + e.getMessage());
        }
    }

    /** Starts nginx again when it died (the daemon's watch calls this). */
    public synchronized void keepRunning() {
        if (file == null) return;
        try {
            if (nginx().master().isEmpty()) {
                LOG.warning("nginx of the front door is not running; starting it");
                apply();
            }
        } catch (FrontDoorException e) {
            LOG.warning("the front door's nginx cannot be started: " + e.getMessage());
        }
    }

    // ---- rendering and activating ----------------------------------------------------------------

    private String apply() throws FrontDoorException {
        activate();
        return "serving " + file.proxy().sites().size() + " site(s) on port " + file.proxy().httpPort()
                + (file.proxy().sites().stream().anyMatch(Site::https) ? " and " + file.proxy().httpsPort() : "");
    }

    /** Renders, tests and activates the current sites and upstreams; returns the workers that drain. */
    private List<Long> activate() throws FrontDoorException {
        NginxRunner n = nginx();
        long gen = ++generation;
        try {
            return n.apply(inputs(file, gen));
        } catch (NginxRunner.Refused e) {
            throw new FrontDoorException(e.getMessage() + "; the running configuration was left as it is");
        } catch (IOException e) {
            throw new FrontDoorException("the front door could not be changed: " + e.getMessage());
        }
    }

    private NginxConfig.Inputs inputs(BerthFile f, long gen) throws FrontDoorException {
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        for (String app : f.proxy().frontedApps()) ports.put(app, upstreams.containsKey(app) ? upstreams.get(app) : supervisor.servingPorts(app));
        return new NginxConfig.Inputs(f.proxy(), f.path(), ports, certificates::forSite, gen, control());
    }

    private List<Integer> portsOf(String app) {
        return upstreams.containsKey(app) ? upstreams.get(app) : supervisor.servingPorts(app);
    }

    private NginxRunner nginx() throws FrontDoorException {
        return nginx(file == null ? ProxySpec.NONE : file.proxy());
    }

    /** The nginx these settings call for: managed, or the system's (auto: the system's when it runs). */
    private NginxRunner nginx(ProxySpec proxy) throws FrontDoorException {
        String mode = proxy.nginx().equals("auto") ? (systemNginxRuns() ? "system" : "managed") : proxy.nginx();
        if (nginx != null && mode.equals(nginxMode)) return nginx;
        Nginx program = Nginx.find().orElseThrow(() -> new FrontDoorException(Nginx.missing()));
        try {
            nginx = mode.equals("system")
                    ? new SystemNginx(program, tree, proxy.includeDir() != null ? proxy.includeDir() : Path.of("/etc/nginx/conf.d"),
                            proxy.nginxConf() != null ? proxy.nginxConf() : Path.of("/etc/nginx/nginx.conf"), dir)
                    : new ManagedNginx(program, tree, dir);
            nginxMode = mode;
        } catch (IOException e) {
            throw new FrontDoorException("cannot prepare nginx (" + mode + "): " + e.getMessage());
        }
        return nginx;
    }

    /**
     * The user nginx's workers read static files as: Debian's www-data (nobody without it) when
     * nginx starts as root or is the system's; null when Berth runs it as this process's user.
     */
    public static String workerUser(ProxySpec proxy) {
        return "system".equals(proxy.nginx()) || ManagedNginx.isRoot() ? ManagedNginx.workerUser() : null;
    }

    /** Debian's nginx service runs (its pid file names a live nginx): auto mode then uses it rather than a second nginx. */
    public static boolean systemNginxRuns() {
        return ManagedNginx.masterOf(Path.of("/run/nginx.pid"), new ProcessTree()).isPresent();
    }

    /** "managed nginx 1.22.1 (prefix ...)" or "system nginx ...", for doctor and status. */
    public synchronized String nginxDescription() {
        try {
            return nginx().describe();
        } catch (FrontDoorException e) {
            return e.getMessage();
        }
    }

    /**
     * The unix socket nginx answers its generation on. A TCP port could be taken by another nginx
     * (another BERTH_HOME, a test) and answer for it; a socket in this front door's directory cannot.
     */
    private Path control() throws FrontDoorException {
        Path socket = dir.resolve("control.sock");
        if (socket.toString().length() > 100) {
            throw new FrontDoorException("BERTH_HOME " + dir.getParent() + " is too long a path for nginx's control socket (" + socket
                    + " must be under 100 characters, a limit of Linux): use a shorter BERTH_HOME");
        }
        try {
            PrivateFiles.directories(dir);
        } catch (IOException e) {
            throw new FrontDoorException("cannot make " + dir + ": " + e.getMessage());
        }
        return socket;
    }

    private static long generationIn(String conf) {
        var m = java.util.regex.Pattern.compile("return 200 \"(\\d+)").matcher(conf);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tlsOf(Site s) {
        return switch (s.tls()) {
            case ProxySpec.NoTls n -> "none";
            case ProxySpec.AcmeTls a -> "acme";
            case ProxySpec.FileTls f -> "files";
        };
    }
}
