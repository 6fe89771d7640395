package dev.berth.api;

import dev.berth.files.Names;
import dev.berth.store.StateStore;
import dev.berth.store.StoredEvent;
import dev.berth.supervisor.AppCatalog;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.LogFiles;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.Supervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Apps, their events, and the daemon itself over the API: each handler turns a request into a call on the catalog or supervisor, and the result into JSON values. */
public final class AppControllers {
    private final AppCatalog catalog;
    private final Supervisor supervisor;
    private final StateStore store;
    private final RequestConfigs configs;
    private final Map<String, Object> daemonInfo;
    private final Runnable shutdown;

    public AppControllers(AppCatalog catalog, Supervisor supervisor, StateStore store, RequestConfigs configs, Map<String, Object> daemonInfo,
                       Runnable shutdown) {
        this.catalog = catalog;
        this.supervisor = supervisor;
        this.store = store;
        this.configs = configs;
        this.daemonInfo = daemonInfo;
        this.shutdown = shutdown;
    }

    Object ping(ApiServer.Request r) {
        return daemonInfo;
    }

    Object listApps(ApiServer.Request r) {
        List<Object> apps = new ArrayList<>();
        for (AppStatus a : supervisor.status()) apps.add(Views.app(a));
        return Map.of("apps", apps);
    }

    Object describeApp(ApiServer.Request r) throws Exception {
        AppStatus a = supervisor.status(Names.requireListed("app", "registered with the daemon", r.param(0), supervisor.appNames()));
        Map<String, Object> out = Views.app(a);
        List<Object> events = new ArrayList<>();
        for (StoredEvent e : store.events(a.name(), 30)) events.add(Views.event(e));
        out.put("events", events);
        return out;
    }

    /** GET /api/v1/events[/{target}]?limit=N: an app's or backup:NAME's events, or everyone's, oldest first. */
    Object events(ApiServer.Request r) throws Exception {
        int limit;
        try {
            limit = r.string("limit") == null ? 50 : Math.max(1, Math.min(10000, Integer.parseInt(r.string("limit"))));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "BAD_REQUEST", "limit must be a number, got \"" + r.string("limit") + "\"");
        }
        List<StoredEvent> found = r.pathParams().isEmpty() ? store.recentEvents(limit) : store.events(r.param(0), limit);
        List<Object> out = new ArrayList<>();
        for (StoredEvent e : found) out.add(Views.targetedEvent(e));
        return Map.of("events", out);
    }

    Object start(ApiServer.Request r) throws Exception {
        String config = r.string("config");
        Object out = Views.outcomes(catalog.start(config == null ? null : Path.of(config), r.strings("apps"), r.string("profile"), r.stringMap("variables")));
        configs.scheduleBackups(r); // cached: start has just read it
        return out;
    }

    Object stop(ApiServer.Request r) {
        List<Outcome> out = new ArrayList<>();
        for (String n : catalog.resolve(r.strings("apps"))) out.add(catalog.stop(n));
        return Views.outcomes(out);
    }

    Object restart(ApiServer.Request r) {
        // the first app's record is written before anything else (the variables too): a daemon
        // killed from then on leaves the record, and the next one says what was not done
        Runnable refresh = once(() -> refreshVariables(r));
        List<Outcome> out = new ArrayList<>();
        for (String n : catalog.resolve(r.strings("apps"))) out.add(catalog.restart(n, refresh));
        return Views.outcomes(out);
    }

    Object reload(ApiServer.Request r) {
        Runnable refresh = once(() -> refreshVariables(r));
        List<Outcome> out = new ArrayList<>();
        for (String n : catalog.resolve(r.strings("apps"))) out.add(catalog.reload(n, refresh));
        return Views.outcomes(out);
    }

    private static Runnable once(Runnable r) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) r.run();
        };
    }

    private void refreshVariables(ApiServer.Request r) {
        String config = r.string("config");
        if (config != null) catalog.refreshVariables(Path.of(config), r.stringMap("variables"));
    }

    Object delete(ApiServer.Request r) {
        List<Outcome> out = new ArrayList<>();
        for (String n : catalog.resolve(r.strings("apps"))) {
            supervisor.delete(n);
            out.add(new Outcome(n, true, "deleted", List.of()));
        }
        return Views.outcomes(out);
    }

    Object resurrect(ApiServer.Request r) {
        return Views.outcomes(catalog.recoverAll());
    }

    /** Empties the apps' log files (see LogFiles.truncate). */
    Object flush(ApiServer.Request r) throws IOException {
        List<String> flushed = new ArrayList<>();
        for (String n : catalog.resolve(r.strings("apps"))) {
            for (LogFiles lf : supervisor.logFiles(n)) {
                for (Path p : lf.truncate()) flushed.add(p.toString());
            }
        }
        return Map.of("flushed", flushed);
    }

    Object shutdown(ApiServer.Request r) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100); // let the response go out first
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            shutdown.run();
        });
        return Map.of("stopping", true, "apps", "left running; the next daemon adopts them");
    }
}
