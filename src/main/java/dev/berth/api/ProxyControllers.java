package dev.berth.api;

import dev.berth.config.BerthFile;
import dev.berth.config.ConfigException;
import dev.berth.config.SecretBox;
import dev.berth.frontdoor.FrontDoor;
import dev.berth.json.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The front door's routes: apply, show, diff and status of the generated nginx configuration. */
public final class ProxyControllers {
    private final FrontDoor door;
    private final RequestConfigs configs;
    private final SecretBox secrets;

    public ProxyControllers(FrontDoor door, RequestConfigs configs, SecretBox secrets) {
        this.door = door;
        this.configs = configs;
        this.secrets = secrets;
    }

    /** Serves the file's sites, kept with the request's profile and (sealed) variables for the next daemon. */
    private String use(BerthFile file, ApiServer.Request r) throws FrontDoor.FrontDoorException {
        Map<String, String> vars = r.stringMap("variables");
        return door.use(file, r.string("profile"), vars.isEmpty() ? null : secrets.sealText(Json.write(vars)));
    }

    /**
     * Before apps start or reload from a berth.yml: its sites are served first, so that their
     * instances are switched in as they get ready. A file nginx refuses stops the request here,
     * before any app is touched.
     */
    void sitesFirst(ApiServer.Request r) throws ConfigException {
        if (r.string("config") == null) return;
        BerthFile file = configs.load(r);
        if (!file.proxy().any()) return;
        try {
            use(file, r);
        } catch (FrontDoor.FrontDoorException e) {
            throw new ApiError(422, "PROXY_REFUSED", e.getMessage());
        }
    }

    Object apply(ApiServer.Request r) throws ConfigException {
        BerthFile file = configs.load(r);
        if (!file.proxy().any()) throw new ApiError(422, "NO_SITES", file.path() + " has no sites: (nothing for the front door to serve)");
        try {
            return Map.of("message", use(file, r));
        } catch (FrontDoor.FrontDoorException e) {
            throw new ApiError(422, "PROXY_REFUSED", e.getMessage());
        }
    }

    Object stop(ApiServer.Request r) {
        try {
            return Map.of("message", door.takeDown());
        } catch (FrontDoor.FrontDoorException e) {
            throw new ApiError(500, "PROXY_STOP_FAILED", e.getMessage());
        }
    }

    Object show(ApiServer.Request r) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", door.source().map(source -> source.config().toString()).orElse(null));
        out.put("nginx_pid", door.nginxPid().orElse(null));
        out.put("config", door.live().orElse(null));
        return out;
    }

    Object diff(ApiServer.Request r) throws ConfigException, IOException {
        try {
            return Map.of("diff", door.diff(configs.load(r)));
        } catch (FrontDoor.FrontDoorException e) {
            throw new ApiError(422, "PROXY_REFUSED", e.getMessage());
        }
    }

    Object certificates(ApiServer.Request r) {
        return Map.of("certificates", door.certificates().stream().map(Views::certificate).toList());
    }

    Object certificate(ApiServer.Request r) {
        String name = r.param(0);
        return door.certificates().stream().filter(c -> c.site().equals(name) || c.domains().contains(name)).findFirst().map(Views::certificate)
                .orElseThrow(() -> new ApiError(404, "NOT_FOUND", "no TLS site or domain \"" + name + "\" is served"));
    }

    Object renew(ApiServer.Request r) {
        String name = r.string("name");
        if (name == null) throw new IllegalArgumentException("name (a site or one of its domains) is required");
        try {
            return Map.of("message", door.renew(name, Boolean.TRUE.equals(r.body().get("staging"))));
        } catch (FrontDoor.FrontDoorException e) {
            throw new ApiError(422, "CERTIFICATE_FAILED", e.getMessage());
        }
    }

    Object status(ApiServer.Request r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", door.source().map(source -> source.config().toString()).orElse(null));
        out.put("nginx_pid", door.nginxPid().orElse(null));
        List<Map<String, Object>> sites = door.status().stream().map(Views::site).toList();
        out.put("sites", sites);
        return out;
    }
}
