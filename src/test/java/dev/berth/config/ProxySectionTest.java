package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** proxy: and sites:, each wrong value named with its line and field, and what a good file gives. */
class ProxySectionTest {
    @TempDir Path dir;

    private static final String FILE = """
            apps:
              api: {run: ./api}
            sites:
              shop:
                domains: [shop.example.com]
            %s
            """;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `    routes: {/: {app: apii}}`                   | 6:23: sites.shop.routes./.app: no app named "apii" in apps; did you mean "api"?
            `    routes: {/: {}}`                            | 6:17: sites.shop.routes./: expected app: (an app of apps:) or static: (a directory)
            `    routes: {/: {app: api, static: .}}`         | use either app: or static:, not both
            `    routes: {api: {app: api}}`                  | 6:14: sites.shop.routes.api: expected a URL path starting with /, like /api
            `    routes: {"/a b": {app: api}}`               | sites.shop.routes./a b: expected a URL path starting with /
            `    routes: {"/a;b": {app: api}}`               | expected a URL path starting with /
            `    routes: {/: {app: api, spa: true}}`         | 6:33: sites.shop.routes./.spa: applies only with static:
            `    routes: {/: {static: "a b"}}`               | the path holds a space, quote
            `    routes: {/: {app: api, allow: [10.0.0.0/33]}}`| sites.shop.routes./.allow[0]: expected an IP address or a CIDR like 10.0.0.0/8, got "10.0.0.0/33"
            `    routes: {/: {app: api, allow: [office.example.com]}}`| expected an IP address or a CIDR
            `    routes: {/: {app: api, rate_limit: fast}}`  | sites.shop.routes./.rate_limit: expected a rate like 10/s or 600/m, got "fast"
            `    routes: {/: {app: api, burst: 5}}`          | sites.shop.routes./.burst: applies only with rate_limit
            `    routes: {/: {app: api, apps: x}}`           | unknown key "apps"; did you mean "app"?
            `    tls: acme\\n    routes: {/: {app: api}}`    | 6:10: sites.shop.tls: acme needs proxy.acme.email
            `    tls: maybe\\n    routes: {/: {app: api}}`   | sites.shop.tls: expected acme, none or a mapping with cert: and key:, got "maybe"
            `    tls: {cert: nope.crt}\\n    routes: {/: {app: api}}`| sites.shop.tls.cert: DIR/nope.crt not found
            `    body_limit: 10\\n    routes: {/: {app: api}}`| sites.shop.body_limit: expected a size
            `    gzip: yes please\\n    routes: {/: {app: api}}`| sites.shop.gzip: expected true or false
            `    gzip: true`                                 | 5:5: sites.shop.routes: is required
            """)
    void siteProblems(String fragment, String expected) throws Exception {
        String problems = problemsOf(FILE.formatted(fragment.replace("\\n", "\n")));
        String wanted = expected.replace("DIR", dir.toString());
        assertTrue(problems.contains(wanted), () -> "expected\n  " + wanted + "\nin\n  " + problems);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `proxy: {nginx: apache}`                       | proxy.nginx: expected auto, managed or system, got "apache"
            `proxy: {http_port: 8080, https_port: 8080}`   | proxy.https_port: must differ from http_port (8080)
            `proxy: {ports: 100-200}`                      | proxy.ports: expected a port range of at least 16 ports above 1023
            `proxy: {drain: 2h}`                           | proxy.drain: is at most 1h
            `proxy: {nginx: managed, include_dir: /etc/nginx}`| proxy.include_dir: applies only with nginx: system
            `proxy: {acme: {directory: "ftp://x"}}`        | proxy.acme.email: is required
            `proxy: {acme: {email: ops}}`                  | proxy.acme.email: expected an email address
            """)
    void proxyProblems(String proxy, String expected) throws Exception {
        String problems = problemsOf(FILE.formatted("    routes: {/: {app: api}}") + proxy + "\n");
        assertTrue(problems.contains(expected), () -> "expected\n  " + expected + "\nin\n  " + problems);
    }

    @Test
    void domainsAreNamesAndBelongToOneSite() throws Exception {
        String problems = problemsOf("""
                apps: {api: {run: ./api}}
                sites:
                  a: {domains: [Shop.Example.com, "bad_name.com"], routes: {/: {app: api}}}
                  b: {domains: shop.example.com, routes: {/: {app: api}}}
                """);
        assertTrue(problems.contains("3:35: sites.a.domains[1]: expected a domain name like example.com or *.example.com, got \"bad_name.com\""), problems);
        assertTrue(problems.contains("4:16: sites.b.domains: shop.example.com is already a domain of site a"), problems);
    }

    @Test
    void anAppASiteRoutesToHasNoPortOfItsOwn() throws Exception {
        String problems = problemsOf("""
                apps: {api: {run: ./api, port: 3000}}
                sites: {a: {domains: [a.test], routes: {/: {app: api}}}}
                """);
        assertTrue(problems.contains("1:32: apps.api.port: a site routes to this app, so Berth gives each instance a private port in $PORT"), problems);
    }

    @Test
    void aGoodSite() throws Exception {
        Files.writeString(dir.resolve("berth.yml"), """
                apps:
                  api: {run: ./api, ready: {http: /health}}
                  worker: {run: ./worker}
                proxy: {http_port: 8080, acme: {email: ops@example.com, directory: "https://127.0.0.1:14000/dir"}}
                sites:
                  shop:
                    domains: [shop.example.com, "*.cdn.example.com"]
                    rate_limit: 600/m
                    routes:
                      /api: {app: api, websockets: true}
                      /: {static: web, spa: true}
                    nginx: |
                      add_header X-A a;
                      add_header X-B b;
                """);
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(dir.resolve("berth.yml"), null);
        ProxySpec p = f.proxy();
        assertEquals(8080, p.httpPort());
        assertEquals("https://127.0.0.1:14000/dir", p.acme().directory());
        assertEquals("https://127.0.0.1:14000/dir", p.acme().staging(), "a directory of one's own is its own staging");
        assertTrue(f.app("api").orElseThrow().fronted());
        assertTrue(f.app("api").orElseThrow().listens(), "ready: http needs a port: the private one");
        assertFalse(f.app("worker").orElseThrow().fronted());
        ProxySpec.Site shop = p.sites().get(0);
        assertEquals(new ProxySpec.RateLimit("600r/m", 20), shop.rateLimit());
        assertEquals(List.of("add_header X-A a;", "add_header X-B b;"), shop.nginx().lines());
        assertEquals(13, shop.nginx().line(), "a block scalar starts on the line after its key");
        assertEquals(6, shop.line());
        assertEquals(10, shop.routes().get(0).line());
        assertEquals(dir.resolve("web"), shop.routes().get(1).root());
        assertTrue(f.check("tls:shop.example.com").isEmpty(), "no TLS, no tls: check");
    }

    @Test
    void eachDomainOfATlsSiteGetsABuiltInTlsCheckThroughTheServersOwnFrontDoor() throws Exception {
        Files.writeString(dir.resolve("berth.yml"), """
                apps: {api: {run: ./api}}
                proxy: {https_port: 8443}
                sites: {shop: {domains: [shop.example.com, "*.cdn.example.com"], tls: {cert: c.pem, key: k.pem}, routes: {/: {app: api}}}}
                """);
        Files.writeString(dir.resolve("c.pem"), "chain\n");
        Files.writeString(dir.resolve("k.pem"), "key\n");
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(dir.resolve("berth.yml"), null);
        CheckSpec c = f.check("tls:shop.example.com").orElseThrow();
        assertTrue(c.builtIn());
        assertEquals(new CheckSpec.Tls("shop.example.com", 8443, new CheckSpec.Limits(14.0, 7.0), "127.0.0.1"), c.probe());
        assertTrue(f.check("tls:*.cdn.example.com").isEmpty(), "a wildcard is no name to ask for");
    }

    private String problemsOf(String yaml) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null));
        return e.getMessage();
    }
}
