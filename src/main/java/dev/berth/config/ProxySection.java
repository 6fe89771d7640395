package dev.berth.config;

import static dev.berth.config.Kind.*;

import dev.berth.config.ProxySpec.Acme;
import dev.berth.config.ProxySpec.AcmeTls;
import dev.berth.config.ProxySpec.FileTls;
import dev.berth.config.ProxySpec.NoTls;
import dev.berth.config.ProxySpec.PortRange;
import dev.berth.config.ProxySpec.RateLimit;
import dev.berth.config.ProxySpec.RawLines;
import dev.berth.config.ProxySpec.Route;
import dev.berth.config.ProxySpec.Site;
import dev.berth.config.ProxySpec.Tls;
import dev.berth.text.Suggestions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * proxy: (how the front door runs) and sites: (what it serves). Every value that ends up in the
 * nginx configuration is checked here to be one nginx word, so that only the raw {@code nginx:}
 * lines can make {@code nginx -t} fail; those are traced back to their berth.yml line.
 */
final class ProxySection extends FieldReader {
    private static final Pattern SITE_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A URL prefix nginx reads as one word: no spaces, quotes, braces, semicolons or $. */
    private static final Pattern ROUTE_PATH = Pattern.compile("/[A-Za-z0-9._~!&'()*+,=:@%/-]*");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,6})\\s*/\\s*(s|m|second|minute)");
    /** Characters that would end or change an nginx word in a path (root, certificate). */
    private static final Pattern NGINX_UNSAFE_PATH = Pattern.compile("[\\s;{}'\"$\\\\#]");
    static final int MAX_SITES = 256;
    static final int MAX_ROUTES = 64;
    static final int MAX_DOMAINS = 100; // Let's Encrypt's names per certificate
    static final int MAX_RAW_LINES = 200;

    private static final Kind<String> NGINX_MODE = new Kind<>("expected auto, managed or system", s -> switch (s.strip()) {
        case "auto", "managed", "system" -> s.strip();
        default -> throw invalid("expected auto, managed or system", s);
    });
    static final Kind<String> DOMAIN = new Kind<>("expected a domain name like example.com or *.example.com", s -> {
        String d = s.strip().toLowerCase(Locale.ROOT);
        String rest = d.startsWith("*.") ? d.substring(2) : d;
        if (d.length() > 253 || rest.isEmpty()) throw invalid("expected a domain name like example.com or *.example.com", s);
        for (String label : rest.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) throw invalid("expected a domain name like example.com or *.example.com", s);
        }
        return d;
    });
    private static final Kind<String> PATH = new Kind<>("expected a URL path starting with / (letters, digits and - . _ ~ / only)", s -> {
        if (!ROUTE_PATH.matcher(s.strip()).matches() || s.contains("//")) throw invalid("expected a URL path starting with /, like /api", s);
        return s.strip();
    });
    /** nginx's own form of a rate: "10r/s", "600r/m". */
    private static final Kind<String> RATE_LIMIT = new Kind<>("expected a rate like 10/s or 600/m", s -> {
        var m = RATE.matcher(s.strip());
        if (!m.matches()) throw invalid("expected a rate like 10/s or 600/m", s);
        if (Integer.parseInt(m.group(1)) == 0) throw invalid("expected a rate above 0, like 10/s or 600/m", s);
        return Integer.parseInt(m.group(1)) + "r/" + m.group(2).charAt(0);
    });
    /** An IPv4 or IPv6 literal's characters: InetAddress would resolve anything else as a name. */
    static boolean ipLiteral(String s) {
        return s.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    }

    static final Kind<String> ADDRESS = new Kind<>("expected an IP address or a CIDR like 10.0.0.0/8", s -> {
        String a = s.strip();
        int slash = a.indexOf('/');
        String ip = slash < 0 ? a : a.substring(0, slash);
        if (!ipLiteral(ip)) throw invalid("expected an IP address or a CIDR like 10.0.0.0/8", s);
        try {
            InetAddress addr = InetAddress.getByName(ip);
            if (slash >= 0) {
                int bits = asciiInteger(a.substring(slash + 1));
                if (bits < 0 || bits > addr.getAddress().length * 8) throw new NumberFormatException();
            }
        } catch (UnknownHostException | NumberFormatException e) {
            throw invalid("expected an IP address or a CIDR like 10.0.0.0/8", s);
        }
        return a;
    });
    private static final Kind<PortRange> PORTS = new Kind<>("expected a port range like 20000-29999", s -> {
        String[] p = s.strip().split("\\s*-\\s*");
        try {
            if (p.length == 2) {
                int first = asciiInteger(p[0]);
                int last = asciiInteger(p[1]);
                if (first >= 1024 && last <= 65535 && last - first >= 15) return new PortRange(first, last);
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw invalid("expected a port range of at least 16 ports above 1023, like 20000-29999", s);
    });

    private final List<AppSpec> apps;

    ProxySection(FieldReader file, List<AppSpec> apps) {
        super(file);
        this.apps = apps;
    }

    /**
     * The names of the apps the sites route to, read before the apps are (their ports depend on
     * it); problems are left to {@link #proxy}.
     */
    static Set<String> routedApps(Node sites) {
        Set<String> out = new LinkedHashSet<>();
        if (!(sites instanceof MappingNode m)) return out;
        for (NodeTuple site : m.getValue()) {
            if (!(site.getValueNode() instanceof MappingNode s)) continue;
            for (NodeTuple t : s.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !k.getValue().equals("routes") || !(t.getValueNode() instanceof MappingNode r)) continue;
                for (NodeTuple route : r.getValue()) {
                    if (!(route.getValueNode() instanceof MappingNode rm)) continue;
                    for (NodeTuple f : rm.getValue()) {
                        if (f.getKeyNode() instanceof ScalarNode fk && fk.getValue().equals("app") && f.getValueNode() instanceof ScalarNode v) {
                            out.add(v.getValue().strip());
                        }
                    }
                }
            }
        }
        return out;
    }

    ProxySpec proxy(Node proxyNode, Node sitesNode) {
        Function<String, String> lookup = variables::get;
        ProxySpec d = ProxySpec.NONE;
        String nginx = d.nginx();
        int httpPort = d.httpPort();
        int httpsPort = d.httpsPort();
        Path includeDir = null;
        Path nginxConf = null;
        Duration drain = d.drain();
        PortRange ports = d.ports();
        Acme acme = null;
        Node acmeNode = null;
        if (proxyNode instanceof MappingNode pm) {
            Map<String, NodeTuple> f = YamlSource.entries(pm, "proxy", problems);
            schema.checkKeys(f, "proxy", "proxy", problems);
            nginx = scalar(f, "nginx", "proxy", NGINX_MODE, nginx, lookup);
            httpPort = scalar(f, "http_port", "proxy", PORT, httpPort, lookup);
            httpsPort = scalar(f, "https_port", "proxy", PORT, httpsPort, lookup);
            if (httpPort == httpsPort && value(f, "https_port") != null) {
                problems.at(value(f, "https_port"), "proxy.https_port", "must differ from http_port (" + httpPort + ")");
            }
            String dir = scalar(f, "include_dir", "proxy", NON_EMPTY, null, lookup);
            if (dir != null) {
                includeDir = baseDir.resolve(dir.strip()).normalize();
                if (nginx.equals("managed")) problems.at(value(f, "include_dir"), "proxy.include_dir", "applies only with nginx: system (or auto)");
            }
            String conf = scalar(f, "nginx_conf", "proxy", NON_EMPTY, null, lookup);
            if (conf != null) {
                nginxConf = baseDir.resolve(conf.strip()).normalize();
                if (nginx.equals("managed")) problems.at(value(f, "nginx_conf"), "proxy.nginx_conf", "applies only with nginx: system (or auto)");
            }
            drain = scalar(f, "drain", "proxy", DURATION, drain, lookup);
            if (drain.compareTo(Duration.ofHours(1)) > 0) problems.at(value(f, "drain"), "proxy.drain", "is at most 1h");
            ports = scalar(f, "ports", "proxy", PORTS, ports, lookup);
            acmeNode = value(f, "acme");
            if (acmeNode instanceof MappingNode am) {
                Map<String, NodeTuple> af = YamlSource.entries(am, "proxy.acme", problems);
                schema.checkKeys(af, "proxy.acme", "proxy.acme", problems);
                String email = scalar(af, "email", "proxy.acme", EMAIL, null, lookup);
                if (email == null && value(af, "email") == null) problems.at(am, "proxy.acme.email", "is required: the ACME account's contact");
                String directory = directory(af, "directory", Acme.LETS_ENCRYPT, lookup);
                String staging = directory(af, "staging", directory.equals(Acme.LETS_ENCRYPT) ? Acme.LETS_ENCRYPT_STAGING : directory, lookup);
                Path trust = value(af, "trust") == null ? null : file(af, "trust", "proxy.acme", lookup);
                acme = new Acme(email, directory, staging, trust);
            } else if (acmeNode != null) {
                problems.at(acmeNode, "proxy.acme", "expected a mapping with email: and directory:, got " + YamlSource.describe(acmeNode));
            }
        } else if (proxyNode != null) {
            problems.at(proxyNode, "proxy", "expected a mapping (nginx, http_port, https_port, drain, acme, ...), got " + YamlSource.describe(proxyNode));
        }
        List<Site> sites = new ArrayList<>();
        if (sitesNode instanceof MappingNode sm) {
            if (sm.getValue().size() > MAX_SITES) problems.at(sm, "sites", "at most " + MAX_SITES + " sites");
            Map<String, String> domainOwner = new HashMap<>();
            for (NodeTuple t : YamlSource.entries(sm, "sites", problems).values()) {
                Site s = site(t, acme, acmeNode, domainOwner);
                if (s != null) sites.add(s);
            }
        } else if (sitesNode != null) {
            problems.at(sitesNode, "sites", "expected a mapping of site name to its domains and routes, got " + YamlSource.describe(sitesNode));
        }
        return new ProxySpec(nginx, httpPort, httpsPort, includeDir, nginxConf, drain, ports, acme, List.copyOf(sites));
    }

    private String directory(Map<String, NodeTuple> f, String key, String dflt, Function<String, String> lookup) {
        var url = scalar(f, key, "proxy.acme", HTTP_URL, null, lookup);
        if (url != null) return url.toString();
        return dflt; // absent, or a bad URL (reported)
    }

    private Site site(NodeTuple tuple, Acme acme, Node acmeNode, Map<String, String> domainOwner) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) return null;
        String name = key.getValue();
        String path = "sites." + name;
        int before = problemCount();
        Function<String, String> lookup = variables::get;
        if (!SITE_NAME.matcher(name).matches()) {
            problems.at(key, path, "site names are lowercase letters, digits and . _ - (starting with a letter or digit), got \"" + name + "\"");
        }
        if (!(tuple.getValueNode() instanceof MappingNode node)) {
            problems.at(tuple.getValueNode(), path, "expected a mapping with domains: and routes:, got " + YamlSource.describe(tuple.getValueNode()));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
        schema.checkKeys(f, "sites.*", path, problems);
        List<String> domains = new ArrayList<>();
        Node dn = value(f, "domains");
        if (dn == null) {
            problems.at(node, path + ".domains", "is required: the names this site answers to, like [example.com, www.example.com]");
        } else {
            List<Node> items = dn instanceof SequenceNode seq ? seq.getValue() : List.of(dn);
            if (items.size() > MAX_DOMAINS) problems.at(dn, path + ".domains", "at most " + MAX_DOMAINS + " names");
            for (int i = 0; i < items.size() && i < MAX_DOMAINS; i++) {
                String field = path + ".domains" + (dn instanceof SequenceNode ? "[" + i + "]" : "");
                String domain = text(items.get(i), field, DOMAIN, lookup);
                if (domain == null) continue;
                String owner = domainOwner.putIfAbsent(domain, name);
                if (owner != null) problems.at(items.get(i), field, domain + " is already a domain of site " + owner);
                else if (!domains.contains(domain)) domains.add(domain);
            }
        }
        Tls tls = tls(value(f, "tls"), path + ".tls", lookup, domains);
        if (tls instanceof AcmeTls && acme == null && acmeNode == null) {
            problems.at(value(f, "tls"), path + ".tls", "acme needs proxy.acme.email (the ACME account's contact)");
        }
        boolean gzip = scalar(f, "gzip", path, BOOL, true, lookup);
        boolean headers = scalar(f, "security_headers", path, BOOL, true, lookup);
        Long bodyLimit = scalar(f, "body_limit", path, SIZE, null, lookup);
        RateLimit rate = rate(f, path, lookup);
        List<Route> routes = new ArrayList<>();
        Node rn = value(f, "routes");
        if (rn == null) {
            problems.at(node, path + ".routes", "is required: URL paths to an app or to static files, like \"/\": { app: web }");
        } else if (!(rn instanceof MappingNode rm)) {
            problems.at(rn, path + ".routes", "expected a mapping of URL path to { app: NAME } or { static: DIR }, got " + YamlSource.describe(rn));
        } else {
            if (rm.getValue().size() > MAX_ROUTES) problems.at(rm, path + ".routes", "at most " + MAX_ROUTES + " routes");
            for (NodeTuple rt : YamlSource.entries(rm, path + ".routes", problems).values()) {
                Route r = route(rt, path + ".routes", lookup);
                if (r != null) routes.add(r);
            }
        }
        RawLines raw = raw(value(f, "nginx"), path + ".nginx", lookup);
        if (problemCount() > before) return null;
        return new Site(name, Problems.line(tuple.getKeyNode()), List.copyOf(domains), tls, gzip, headers, bodyLimit, rate,
                List.copyOf(routes), raw);
    }

    private Tls tls(Node node, String field, Function<String, String> lookup, List<String> domains) {
        if (node == null) return new NoTls();
        if (node instanceof ScalarNode) {
            String s = text(node, field, NON_EMPTY, lookup);
            if (s == null) return new NoTls();
            return switch (s.strip()) {
                case "none" -> new NoTls();
                case "acme" -> {
                    for (String d : domains) {
                        if (d.startsWith("*.")) problems.at(node, field, d + ": a wildcard name needs DNS-01 validation, which Berth does not do; list the names or bring a certificate (cert:, key:)");
                    }
                    yield new AcmeTls();
                }
                default -> {
                    problems.at(node, field, "expected acme, none or a mapping with cert: and key:, got \"" + s.strip() + "\"");
                    yield new NoTls();
                }
            };
        }
        if (!(node instanceof MappingNode m)) {
            problems.at(node, field, "expected acme, none or a mapping with cert: and key:, got " + YamlSource.describe(node));
            return new NoTls();
        }
        Map<String, NodeTuple> f = YamlSource.entries(m, field, problems);
        schema.checkKeys(f, "sites.*.tls", field, problems);
        Path cert = file(f, "cert", field, lookup);
        Path key = file(f, "key", field, lookup);
        if (cert == null && value(f, "cert") == null) problems.at(m, field + ".cert", "is required: the certificate chain (PEM)");
        if (key == null && value(f, "key") == null) problems.at(m, field + ".key", "is required: the private key (PEM)");
        return new FileTls(cert, key);
    }

    private Path file(Map<String, NodeTuple> f, String key, String field, Function<String, String> lookup) {
        String s = scalar(f, key, field, NON_EMPTY, null, lookup);
        if (s == null) return null;
        Path p = baseDir.resolve(s.strip()).normalize();
        if (NGINX_UNSAFE_PATH.matcher(p.toString()).find()) {
            problems.at(value(f, key), field + "." + key, "the path holds a space, quote, ; { } $ # or \\, which nginx would misread: " + p);
        } else if (!Files.isRegularFile(p)) {
            problems.at(value(f, key), field + "." + key, p + (Files.exists(p) ? " is not a file" : " not found") + " (relative to the berth.yml directory)");
        } else if (!Files.isReadable(p)) {
            problems.at(value(f, key), field + "." + key, p + " is not readable by Berth");
        }
        return p;
    }

    private RateLimit rate(Map<String, NodeTuple> f, String path, Function<String, String> lookup) {
        String rate = scalar(f, "rate_limit", path, RATE_LIMIT, null, lookup);
        Integer burst = scalar(f, "burst", path, integer(0, 100_000, "expected an integer from 0 to 100000"), null, lookup);
        if (burst != null && rate == null) problems.at(value(f, "burst"), path + ".burst", "applies only with rate_limit");
        if (rate == null) return null;
        return new RateLimit(rate, burst == null ? 20 : burst);
    }

    private Route route(NodeTuple tuple, String routesPath, Function<String, String> lookup) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) return null;
        String field = routesPath + "." + key.getValue();
        String urlPath = text(key, field, PATH, lookup);
        if (!(tuple.getValueNode() instanceof MappingNode node)) {
            problems.at(tuple.getValueNode(), field, "expected { app: NAME } or { static: DIR }, got " + YamlSource.describe(tuple.getValueNode()));
            return null;
        }
        int before = problemCount();
        Map<String, NodeTuple> f = YamlSource.entries(node, field, problems);
        schema.checkKeys(f, "sites.*.routes.*", field, problems);
        String app = scalar(f, "app", field, NON_EMPTY, null, lookup);
        String stat = scalar(f, "static", field, NON_EMPTY, null, lookup);
        Path root = null;
        if ((app == null) == (stat == null) && problemCount() == before) {
            problems.at(node, field, app == null ? "expected app: (an app of apps:) or static: (a directory)" : "use either app: or static:, not both");
        }
        if (app != null && value(f, "app") instanceof ScalarNode an && an.getValue().contains("$")) {
            // which apps get private ports is known before variables are read: a route names its app as written
            problems.at(an, field + ".app", "takes an app name as written, not a ${VAR}");
        } else if (app != null) {
            app = app.strip();
            List<String> names = apps.stream().map(AppSpec::name).toList();
            if (!names.contains(app)) problems.at(value(f, "app"), field + ".app", "no app named \"" + app + "\" in apps" + Suggestions.didYouMean(app, names));
        }
        if (stat != null) {
            root = baseDir.resolve(stat.strip()).normalize();
            if (NGINX_UNSAFE_PATH.matcher(root.toString()).find()) {
                problems.at(value(f, "static"), field + ".static", "the path holds a space, quote, ; { } $ # or \\, which nginx would misread: " + root);
            }
        }
        boolean spa = scalar(f, "spa", field, BOOL, false, lookup);
        if (spa && stat == null) problems.at(value(f, "spa"), field + ".spa", "applies only with static:");
        boolean websockets = scalar(f, "websockets", field, BOOL, false, lookup);
        if (websockets && app == null && stat != null) problems.at(value(f, "websockets"), field + ".websockets", "applies only with app:");
        Long bodyLimit = scalar(f, "body_limit", field, SIZE, null, lookup);
        RateLimit rate = rate(f, field, lookup);
        List<String> allow = new ArrayList<>();
        Node an = value(f, "allow");
        if (an != null) {
            List<Node> items = an instanceof SequenceNode seq ? seq.getValue() : List.of(an);
            for (int i = 0; i < items.size() && i < 1000; i++) {
                String a = text(items.get(i), field + ".allow" + (an instanceof SequenceNode ? "[" + i + "]" : ""), ADDRESS, lookup);
                if (a != null) allow.add(a);
            }
        }
        RawLines raw = raw(value(f, "nginx"), field + ".nginx", lookup);
        if (problemCount() > before || urlPath == null) return null;
        return new Route(urlPath, Problems.line(tuple.getKeyNode()), app, root, spa, websockets, bodyLimit, rate, List.copyOf(allow), raw);
    }

    /** nginx: raw lines, one string (a block scalar) or a list; each keeps the berth.yml line it came from. */
    private RawLines raw(Node node, String field, Function<String, String> lookup) {
        if (node == null) return RawLines.NONE;
        List<String> lines = new ArrayList<>();
        List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
        for (int i = 0; i < items.size(); i++) {
            String s = text(items.get(i), field + (node instanceof SequenceNode ? "[" + i + "]" : ""), TEXT, lookup);
            if (s == null) continue;
            for (String l : s.split("\n", -1)) if (!l.isBlank() || !lines.isEmpty()) lines.add(l.stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
        if (lines.size() > MAX_RAW_LINES) {
            problems.at(node, field, "at most " + MAX_RAW_LINES + " lines; put a long configuration in a file and include it");
            return RawLines.NONE;
        }
        // a block scalar (nginx: |) starts on the line after its key
        int line = Problems.line(node) + (node instanceof ScalarNode sn
                && (sn.getScalarStyle() == ScalarStyle.LITERAL || sn.getScalarStyle() == ScalarStyle.FOLDED) ? 1 : 0);
        return new RawLines(List.copyOf(lines), line);
    }
}
