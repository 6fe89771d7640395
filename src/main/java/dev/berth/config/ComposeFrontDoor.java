package dev.berth.config;

import java.util.ArrayList;
import java.util.List;

/**
 * An nginx (or OpenResty) service of a Compose file is not imported as an app: Berth's front door is
 * an nginx that Berth configures from sites:, checks and reloads. The note says what to carry over.
 */
final class ComposeFrontDoor {
    /** Where the nginx images read their configuration. */
    private static final List<String> CONFIG_DIRS = List.of("/etc/nginx", "/usr/local/openresty/nginx/conf", "/etc/openresty");

    private ComposeFrontDoor() { }

    static String nginxNote(ComposeValue svc, String field) {
        List<String> configs = new ArrayList<>();
        boolean certificates = false;
        ComposeValue volumes = svc.get("volumes");
        for (ComposeValue v : volumes == null ? List.<ComposeValue>of() : volumes.list()) {
            String target = ComposeValue.volumeTarget(v);
            String source = v.isMap() ? (v.get("source") == null ? null : v.get("source").text())
                    : v.text() == null || ComposeValue.splitColons(v.text()).size() < 2 ? null : ComposeValue.splitColons(v.text()).get(0);
            if (target == null || source == null) continue;
            if (CONFIG_DIRS.stream().anyMatch(d -> target.equals(d) || target.startsWith(d + "/"))) {
                configs.add(source + " (mounted at " + target + ")");
            }
            certificates |= target.startsWith("/etc/letsencrypt") || source.contains("certbot") || source.contains("letsencrypt");
        }
        StringBuilder sb = new StringBuilder("not an app: Berth's front door (an nginx that Berth configures, checks and reloads) takes its place;"
                + " add sites: to the berth.yml with the routes it proxies (docs/berth-yml.md, \"proxy and sites\")");
        if (!configs.isEmpty()) {
            sb.append(": they are in its configuration, ").append(String.join(", ", configs));
        }
        sb.append(". An app a site routes to has no port: of its own (remove it there; keep container.port)");
        if (certificates) {
            sb.append(". Its certificates are what tls: acme gets and renews (proxy.acme.email)");
        }
        return svc.note(field, sb.toString());
    }
}
