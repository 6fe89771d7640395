package dev.berth.frontdoor;

import dev.berth.config.ProxySpec;
import dev.berth.config.ProxySpec.RateLimit;
import dev.berth.config.ProxySpec.RawLines;
import dev.berth.config.ProxySpec.Route;
import dev.berth.config.ProxySpec.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders the nginx configuration of a berth.yml's sites. A pure function of its inputs: the
 * same sites, upstream ports and certificates give the same bytes, so `berth proxy diff` is exact.
 * Every rendered line keeps where it came from in berth.yml, to name the line nginx refuses.
 */
final class NginxConfig {
    /** Where managed nginx keeps its files; in system mode only the challenge directory is used. */
    record Layout(Path prefix, Path pidFile, Path errorLog, Path accessLog, Path tempDir, Path challengeDir, String workerUser) { }

    /**
     * What the configuration is made from.
     *
     * @param source       the berth.yml the sites come from
     * @param upstreams    each fronted app's serving ports (an app with none answers 502)
     * @param certificates the certificate and key of a site with TLS, or null while it has none yet
     * @param control      the unix socket where nginx answers its generation (how a reload is known done): a
     *                     file of this front door's own, which no other nginx or program can be listening on
     */
    record Inputs(ProxySpec proxy, Path source, Map<String, List<Integer>> upstreams, Function<Site, Certificate> certificates,
                  long generation, Path control) { }

    /** A certificate chain and key on disk. */
    record Certificate(Path chain, Path key) { }

    /** The text, and for each of its lines (from 1) the berth.yml place it came from, or null. */
    record Rendered(String text, List<String> origins) {
        String originOf(int line) {
            for (int l = Math.min(line, origins.size()); l >= 1; l--) {
                if (origins.get(l - 1) != null) return origins.get(l - 1);
            }
            return null;
        }
    }

    private static final String HEADER_TEXT = "# Written by Berth from %s: do not edit (berth.yml changes it, `berth proxy show` prints it).";

    /** The first line of every file Berth writes (how SystemNginx knows its own), with no line break a path could bring. */
    private static String header(Path source) {
        return HEADER_TEXT.formatted(source.toString().replaceAll("\\p{Cntrl}", "?"));
    }

    private final List<String> lines = new ArrayList<>();
    private final List<String> origins = new ArrayList<>();
    private final Inputs in;
    private String origin;
    private int depth;

    private NginxConfig(Inputs in) {
        this.in = in;
    }

    /** The whole nginx.conf of managed mode. */
    static Rendered managed(Inputs in, Layout layout) {
        NginxConfig c = new NginxConfig(in);
        c.line(header(in.source()));
        c.line("daemon on;");
        c.line("pid " + layout.pidFile() + ";");
        if (layout.workerUser() != null) c.line("user " + layout.workerUser() + ";");
        c.line("error_log " + layout.errorLog() + " warn;");
        c.line("worker_processes auto;");
        c.line("worker_rlimit_nofile 65535;");
        // an old worker keeps its requests and websockets this long after a reload, then closes them
        c.line("worker_shutdown_timeout " + seconds(in.proxy().drain()) + ";");
        c.open("events");
        c.line("worker_connections 8192;");
        c.close();
        c.open("http");
        c.mimeTypes();
        c.line("access_log " + layout.accessLog() + " combined buffer=64k flush=1s;"); // a write per 64 KiB, not per request
        for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            c.line(t + "_temp_path " + layout.tempDir().resolve(t) + ";");
        }
        // what Debian's own nginx.conf sets in its http block: here only, or the system's nginx -t says "duplicate"
        c.line("sendfile on;");
        c.line("tcp_nopush on;");
        c.line("server_tokens off;");
        c.line("keepalive_timeout 65s;");
        c.shared();
        c.defaultServers();
        for (int s = 0; s < in.proxy().sites().size(); s++) c.site(s, in.proxy().sites().get(s), layout.challengeDir());
        c.close();
        return c.rendered();
    }

    /**
     * System mode: the files Berth puts in the directory the system's nginx includes (in its http
     * block): berth.conf with what the sites share (upstreams, rate zones, the control port), then
     * one berth-site-NAME.conf per site. No default server: the system's own keeps that role.
     */
    static java.util.LinkedHashMap<String, Rendered> systemFiles(Inputs in, Path challengeDir) {
        java.util.LinkedHashMap<String, Rendered> out = new java.util.LinkedHashMap<>();
        NginxConfig shared = new NginxConfig(in);
        shared.line(header(in.source()));
        shared.shared();
        out.put("berth.conf", shared.rendered());
        for (int s = 0; s < in.proxy().sites().size(); s++) {
            NginxConfig c = new NginxConfig(in);
            c.line(header(in.source()));
            c.site(s, in.proxy().sites().get(s), challengeDir);
            out.put("berth-site-" + in.proxy().sites().get(s).name() + ".conf", c.rendered());
        }
        return out;
    }

    private Rendered rendered() {
        return new Rendered(String.join("\n", lines) + "\n", java.util.Collections.unmodifiableList(new ArrayList<>(origins)));
    }

    /** What every site shares, at the http level. */
    private void shared() {
        line("limit_req_status 429;");
        line("map $http_upgrade $berth_connection_upgrade { default upgrade; '' close; }");
        ProxySpec p = in.proxy();
        for (int s = 0; s < p.sites().size(); s++) {
            Site site = p.sites().get(s);
            origin = place(site.line(), "sites." + site.name());
            if (site.rateLimit() != null) line(zone(zoneName(s, -1), site.rateLimit()));
            for (int r = 0; r < site.routes().size(); r++) {
                Route route = site.routes().get(r);
                origin = place(route.line(), "sites." + site.name() + ".routes." + route.path());
                if (route.rateLimit() != null) line(zone(zoneName(s, r), route.rateLimit()));
            }
        }
        origin = null;
        for (String app : p.frontedApps()) {
            open("upstream " + upstreamName(app));
            List<Integer> ports = in.upstreams().getOrDefault(app, List.of());
            // nginx needs one server; a port nothing listens on makes "no instance up" a 502, not a refusal
            if (ports.isEmpty()) line("server 127.0.0.1:9 down;");
            for (int port : ports.stream().sorted().toList()) line("server 127.0.0.1:" + port + " max_fails=0;");
            line("keepalive 32;");
            close();
        }
        open("server");
        line("listen unix:" + in.control() + ";");
        line("access_log off;");
        line("location = /berth/generation { return 200 \"" + in.generation() + "\\n\"; }");
        line("location / { return 404; }");
        close();
    }

    private void defaultServers() {
        ProxySpec p = in.proxy();
        // a Host no site names gets 404, not the first site (nor, over TLS, its certificate)
        origin = null;
        open("server");
        line("listen " + p.httpPort() + " default_server;");
        line("server_name _;");
        line("return 404;");
        close();
        if (p.sites().stream().anyMatch(s -> s.https() && in.certificates().apply(s) != null)) {
            open("server");
            line("listen " + p.httpsPort() + " ssl default_server;");
            line("server_name _;");
            line("ssl_reject_handshake on;");
            close();
        }
    }

    private void site(int index, Site site, Path challengeDir) {
        ProxySpec p = in.proxy();
        origin = place(site.line(), "sites." + site.name());
        Certificate cert = site.https() ? in.certificates().apply(site) : null;
        open("server");
        line("# site " + site.name());
        line("listen " + p.httpPort() + ";");
        line("server_name " + String.join(" ", site.domains()) + ";");
        // the ACME challenge comes before any redirect: a certificate is issued over plain HTTP
        open("location ^~ /.well-known/acme-challenge/");
        line("alias " + challengeDir + "/;");
        line("default_type text/plain;");
        close();
        if (cert != null) {
            open("location /");
            line("return 301 https://$host" + (in.proxy().httpsPort() == 443 ? "" : ":" + in.proxy().httpsPort()) + "$request_uri;");
            close();
            close();
            open("server");
            line("# site " + site.name() + " (TLS)");
            line("listen " + p.httpsPort() + " ssl http2;");
            line("server_name " + String.join(" ", site.domains()) + ";");
            line("ssl_certificate " + cert.chain() + ";");
            line("ssl_certificate_key " + cert.key() + ";");
            line("ssl_protocols TLSv1.2 TLSv1.3;");
            line("ssl_prefer_server_ciphers off;");
            line("ssl_session_cache shared:berth_tls:10m;");
            line("ssl_session_timeout 1d;");
        }
        serverBody(index, site, cert != null);
        close();
    }

    private void serverBody(int index, Site site, boolean tls) {
        if (site.bodyLimit() != null) line("client_max_body_size " + site.bodyLimit() + ";");
        if (site.gzip()) {
            line("gzip on;");
            line("gzip_vary on;");
            line("gzip_proxied any;");
            line("gzip_comp_level 5;");
            line("gzip_min_length 256;");
            line("gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml "
                    + "application/rss+xml application/atom+xml image/svg+xml;");
        }
        List<String> headers = securityHeaders(site, tls);
        headers.forEach(this::line);
        if (site.rateLimit() != null) line(limitReq(zoneName(index, -1), site.rateLimit()));
        raw(site.nginx(), "sites." + site.name() + ".nginx");
        origin = place(site.line(), "sites." + site.name());
        // nginx picks the longest prefix; listed so, the file reads the way nginx decides
        List<Route> routes = site.routes().stream().sorted(Comparator.comparing((Route r) -> -r.path().length())).toList();
        for (Route route : routes) route(index, site, site.routes().indexOf(route), route, headers);
    }

    private void route(int siteIndex, Site site, int routeIndex, Route route, List<String> headers) {
        String field = "sites." + site.name() + ".routes." + route.path();
        origin = place(route.line(), field);
        String location = route.path();
        if (route.root() != null && !location.endsWith("/")) {
            // /static must not also match /static-old (alias would serve the sibling directory DIR-old)
            line("location = " + location + " { return 301 " + location + "/; }");
            location = location + "/";
        }
        open("location " + location);
        if (route.bodyLimit() != null) line("client_max_body_size " + route.bodyLimit() + ";");
        if (route.rateLimit() != null) line(limitReq(zoneName(siteIndex, routeIndex), route.rateLimit()));
        for (String a : route.allow()) line("allow " + a + ";");
        if (!route.allow().isEmpty()) line("deny all;");
        if (route.app() != null) {
            line("proxy_pass http://" + upstreamName(route.app()) + ";");
            line("proxy_http_version 1.1;");
            line("proxy_set_header Host $host;");
            line("proxy_set_header X-Real-IP $remote_addr;");
            line("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
            line("proxy_set_header X-Forwarded-Proto $scheme;");
            // a refused connection (an instance restarting) is tried on the next instance
            line("proxy_next_upstream error timeout;");
            line("proxy_connect_timeout 5s;");
            if (route.websockets()) {
                line("proxy_set_header Upgrade $http_upgrade;");
                line("proxy_set_header Connection $berth_connection_upgrade;");
                line("proxy_read_timeout 3600s;");
                line("proxy_send_timeout 3600s;");
            } else {
                line("proxy_set_header Connection \"\";");
            }
        } else {
            boolean atRoot = route.path().equals("/");
            String dir = route.root().toString();
            line(atRoot ? "root " + dir + ";" : "alias " + dir + "/;");
            String fallback = route.spa() ? (atRoot ? "/index.html" : route.path().replaceAll("/?$", "/") + "index.html") : "=404";
            line("try_files $uri $uri/ " + fallback + ";");
            open("location ~ /\\.(?!well-known)");
            line("deny all;");
            close();
            // name.0a1b2c3d.js: a build tool's hashed asset never changes, so it is cached for a year
            open("location ~* \"\\.[0-9a-f]{8,}\\.(js|css|mjs|woff2?|ttf|svg|png|jpe?g|gif|webp|avif|ico|wasm)$\""); // quoted: { } end a block
            line("expires 1y;");
            line("add_header Cache-Control \"public, immutable\";");
            headers.forEach(this::line); // add_header in a location hides the server's
            close();
            if (route.spa()) {
                open("location ~ /index\\.html$");
                line("add_header Cache-Control \"no-cache\";");
                headers.forEach(this::line);
                close();
            }
        }
        raw(route.nginx(), field + ".nginx");
        origin = place(route.line(), field);
        close();
    }

    private static List<String> securityHeaders(Site site, boolean tls) {
        List<String> out = new ArrayList<>();
        if (!site.securityHeaders()) return out;
        if (tls) out.add("add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;");
        out.add("add_header X-Frame-Options \"SAMEORIGIN\" always;");
        out.add("add_header X-Content-Type-Options \"nosniff\" always;");
        out.add("add_header Referrer-Policy \"strict-origin-when-cross-origin\" always;");
        return out;
    }

    private void raw(RawLines raw, String field) {
        for (int i = 0; i < raw.lines().size(); i++) {
            origin = place(raw.line() + i, field);
            line(raw.lines().get(i));
        }
    }

    private String place(int line, String field) {
        return in.source().getFileName() + ":" + line + ": " + field;
    }

    static String upstreamName(String app) {
        return "berth_app_" + app;
    }

    private static String zoneName(int site, int route) {
        return "berth_site" + site + (route < 0 ? "" : "_route" + route);
    }

    /** nginx takes no burst=0: without a burst, nothing queues. */
    private static String limitReq(String zone, RateLimit rate) {
        return "limit_req zone=" + zone + (rate.burst() > 0 ? " burst=" + rate.burst() + " nodelay" : "") + ";";
    }

    private static String zone(String name, RateLimit rate) {
        return "limit_req_zone $binary_remote_addr zone=" + name + ":10m rate=" + rate.rate() + ";";
    }

    private static String seconds(java.time.Duration d) {
        return Math.max(1, d.toSeconds()) + "s";
    }

    /** The types a web app serves; nginx's own mime.types is not needed (or there) in managed mode. */
    private void mimeTypes() {
        open("types");
        for (String t : List.of("text/html html htm", "text/css css", "text/plain txt", "text/xml xml", "application/javascript js mjs",
                "application/json json map", "application/manifest+json webmanifest", "application/wasm wasm", "application/pdf pdf",
                "application/zip zip", "image/svg+xml svg svgz", "image/png png", "image/jpeg jpg jpeg", "image/gif gif", "image/webp webp",
                "image/avif avif", "image/x-icon ico", "font/woff woff", "font/woff2 woff2", "font/ttf ttf", "video/mp4 mp4",
                "audio/mpeg mp3")) {
            int sp = t.indexOf(' ');
            line(t.substring(0, sp) + " " + t.substring(sp + 1) + ";");
        }
        close();
        line("default_type application/octet-stream;");
    }

    private void open(String block) {
        line(block + " {");
        depth++;
    }

    private void close() {
        depth--;
        line("}");
    }

    private void line(String text) {
        lines.add("    ".repeat(Math.max(0, depth)) + text);
        origins.add(origin);
    }
}
