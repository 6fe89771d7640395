package dev.berth.daemon;

import dev.berth.alert.AlertRouter;
import dev.berth.alert.ChannelSender;
import dev.berth.api.ApiServer;
import dev.berth.access.AuditLog;
import dev.berth.access.LoginThrottle;
import dev.berth.access.Logins;
import dev.berth.access.PasswordHasher;
import dev.berth.access.Sessions;
import dev.berth.access.UsersFile;
import dev.berth.api.AdminListener;
import dev.berth.config.AdminSpec;
import dev.berth.config.BerthFile;
import dev.berth.api.LogControllers;
import dev.berth.api.SeriesControllers;
import dev.berth.history.HistorySampler;
import dev.berth.history.MetricsHistory;
import dev.berth.api.WebAccess;
import dev.berth.dashboard.DashboardAssets;
import dev.berth.access.LoginTickets;
import dev.berth.api.ProxyControllers;
import dev.berth.frontdoor.FrontDoor;
import dev.berth.api.AppControllers;
import dev.berth.api.BackupControllers;
import dev.berth.api.CheckControllers;
import dev.berth.api.DeployControllers;
import dev.berth.api.RequestConfigs;
import dev.berth.api.Token;
import dev.berth.backup.BackupAlerts;
import dev.berth.backup.BackupReconciler;
import dev.berth.backup.BackupScheduler;
import dev.berth.backup.BackupService;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.SecretBox;
import dev.berth.deploy.DeployBackups;
import dev.berth.deploy.DeployedApps;
import dev.berth.deploy.Deployer;
import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import dev.berth.monitor.CheckScheduler;
import dev.berth.monitor.PrometheusMetrics;
import dev.berth.store.BackupCatalog;
import dev.berth.store.CheckRecords;
import dev.berth.store.Deployments;
import dev.berth.store.Operations;
import dev.berth.store.StateStore;
import dev.berth.supervisor.AppCatalog;
import dev.berth.supervisor.LeftoverProcesses;
import dev.berth.supervisor.LogRelay;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The daemon: wires the state store, the supervisor and the API in one place, adopts what is
 * still running from a previous daemon, then serves until asked to stop. Stopping the daemon
 * never stops an app.
 */
public final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    public static final String VERSION = "0.1.0";

    /** The exit code of `daemon run --unless-running` when another daemon holds BERTH_HOME (EX_TEMPFAIL). */
    public static final int LOCK_HELD = 75;

    private final BerthHome home;
    private final String host;
    private final int port;
    private final boolean waitForLock;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Thrown by run() when another daemon holds BERTH_HOME and this one was not to wait for it. */
    public static final class LockHeld extends Exception {
        public LockHeld(String message) {
            super(message);
        }
    }

    /**
     * @param waitForLock when another daemon holds BERTH_HOME: wait to take over when it ends (systemd,
     *                    a foreground `daemon run`), or else give up at once (a CLI's background start)
     */
    public Daemon(BerthHome home, String host, int port, boolean waitForLock) {
        this.home = home;
        this.host = host;
        this.port = port;
        this.waitForLock = waitForLock;
    }

    /** What every app starts from: a login-like environment, plus BERTH_HOME so the app's own `berth` calls reach this daemon. */
    private Map<String, String> appBaseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.put("BERTH_HOME", home.dir().toString());
        return env;
    }

    private static int previousPort(Path portFile) {
        try {
            int p = Integer.parseInt(Files.readString(portFile).strip());
            return p > 0 && p < 65536 ? p : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The daemon's lock on BERTH_HOME. Held by another daemon: that one may still be adopting
     * (it publishes daemon.json only once it answers), so either wait for it to end or say so.
     */
    private FileLock takeLock(FileChannel ch) throws IOException, LockHeld {
        FileLock lock = ch.tryLock();
        if (lock != null) return lock;
        String holder = home.lockHolder().map(p -> "pid " + p).orElse("another process");
        if (!waitForLock) throw new LockHeld("another berth daemon (" + holder + ") holds " + home.daemonLock());
        LOG.info("another berth daemon (" + holder + ") serves " + home.dir() + "; this one takes over when it ends");
        return ch.lock();
    }

    /**
     * The daemon's temporary files (a drill's scratch directory, the tools' error output) go to
     * BERTH_HOME/tmp: everything there is this daemon's, so what a killed one left is removed
     * here, before any operation starts. Set before anything made a temporary file (the JDK reads
     * java.io.tmpdir once); SQLite's native library is still unpacked where it was before.
     */
    private void useOwnTempDir() throws IOException {
        Path tmp = home.dir().resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (var left = Files.list(tmp)) {
                for (Path p : left.toList()) FileTrees.deleteQuietly(p);
            }
        }
        PrivateFiles.directories(tmp); // 0700 whatever the umask, like all of BERTH_HOME
        if (System.getProperty("org.sqlite.tmpdir") == null) System.setProperty("org.sqlite.tmpdir", System.getProperty("java.io.tmpdir"));
        System.setProperty("java.io.tmpdir", tmp.toString());
    }

    private static Optional<Long> pidIn(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        ch.read(buf, 0); // through the lock's own descriptor: closing another one would drop the lock
        return BerthHome.pid(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
    }

    public void run() throws Exception {
        // On SIGTERM the JVM exits as soon as its shutdown hooks return: the hook waits until
        // run() has closed the API, the supervisor and the store, so nothing is cut off half-way.
        CountDownLatch closed = new CountDownLatch(1);
        try {
            serve(closed);
        } finally {
            closed.countDown();
        }
    }

    /** pid, version, home and start time; the port and host are added once the API listens. */
    private Map<String, Object> startInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", ProcessHandle.current().pid());
        info.put("version", VERSION);
        info.put("home", home.dir().toString());
        info.put("started_at", Instant.now().toString());
        return info;
    }

    /** Deploys and rollbacks the previous daemon was in the middle of: each is logged and an event of its app. */
    private static void reportInterrupted(List<Deployments.Deployment> interrupted, StateStore store) {
        for (Deployments.Deployment d : interrupted) {
            String what = d.kind() + " #" + d.id() + " of " + d.app() + " was interrupted by the previous daemon's end";
            LOG.warning(what);
            store.addEvent(d.app(), null, "interrupted", what + "; `berth deployments show " + d.id() + "` has its steps");
        }
    }

    /** An API server on a port, or the reason it cannot have it. */
    @FunctionalInterface
    private interface ApiOnPort {
        ApiServer bind(int port) throws IOException;
    }

    /**
     * Without --port / BERTH_PORT the daemon takes the port it had before when it is free (else any):
     * heartbeat URLs in cron jobs, a load balancer's /health and Prometheus's /metrics outlive a restart.
     */
    private ApiServer bind(Path portFile, ApiOnPort api) throws IOException {
        try {
            return api.bind(port != 0 ? port : previousPort(portFile));
        } catch (BindException e) {
            if (port != 0) throw e;
            return api.bind(0);
        }
    }

    /** On SIGTERM: ends serve(), and holds the JVM's exit until it has closed everything (or 20 s passed). */
    private void stopOnSignal(CountDownLatch closed) {
        stopped.countDown();
        try {
            closed.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the daemon that holds the lock does first: tightens BERTH_HOME, writes its pid in the
     * lock file, stops what the previous daemon's restore or drill left running, and takes its own
     * temporary directory.
     */
    private void claimHome(FileChannel lockChannel) throws IOException {
        // The pid the previous daemon wrote: what its own children left running goes (see LeftoverProcesses).
        // Read through the locked channel: opening and closing the file any other way would drop the
        // lock (POSIX locks belong to the process and go with the first close of any descriptor).
        Optional<Long> previousDaemon = pidIn(lockChannel);
        // only the daemon that holds the lock walks BERTH_HOME (a starter that loses the race exits at once)
        int tightened = home.tighten();
        if (tightened > 0) LOG.info("took the group and other permissions off " + tightened + " file(s) under " + home.dir());
        // Who holds the lock, for a CLI that finds no daemon.json yet: it waits for this pid to answer.
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
        previousDaemon.map(LeftoverProcesses::endSessionOf).filter(l -> !l.isEmpty())
                .ifPresent(l -> LOG.warning("stopped " + l.size() + " process(es) the previous daemon's restore or drill left running: " + l));
        useOwnTempDir();
    }

    /** The port (kept for the next daemon) and daemon.json, which a CLI reads to find this daemon once it answers. */
    private void publish(ApiServer api, Path portFile, Map<String, Object> info) throws IOException {
        info.put("port", api.port());
        PrivateFiles.writeAtomically(portFile, Integer.toString(api.port()).getBytes(StandardCharsets.UTF_8));
        info.put("host", host);
        PrivateFiles.writeAtomically(home.daemonInfo(), Json.pretty(info).getBytes(StandardCharsets.UTF_8));
        LOG.info("berth daemon " + VERSION + " listening on " + host + ":" + api.port() + " for " + home.dir());
    }

    private void serve(CountDownLatch closed) throws Exception {
        home.ensure();
        try (FileChannel lockChannel = PrivateFiles.open(home.daemonLock(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = takeLock(lockChannel)) {
            claimHome(lockChannel);
            String token = Token.loadOrCreate(home.token());
            try (StateStore store = new StateStore(home.stateDb());
                 Supervisor supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(),
                         appBaseEnvironment())) {
                SecretBox secrets = SecretBox.loadOrCreate(home.dir().resolve("secret.key"));
                // the app catalog, the deployer, both schedulers and the API's requests read the same berth.yml files: one cache parses each edit once
                ConfigCache configs = new ConfigCache(home.logs());
                // a renewed or failed certificate is an event of site:NAME; a failure alerts like a failed deploy
                FrontDoor frontDoor = new FrontDoor(home.dir().resolve("frontdoor"), supervisor, new ProcessTree(), Clock.systemUTC(),
                        (site, kind, message) -> store.addEvent("site:" + site, null, kind, message));
                AppCatalog catalog = new AppCatalog(store, supervisor, home.logs(), secrets, configs);
                catalog.sealStoredVariables(); // what an older daemon kept in clear
                Map<String, Object> info = startInfo();
                Deployments deployments = new Deployments(store);
                Operations operations = new Operations(store);
                BackupCatalog backupCatalog = new BackupCatalog(store);
                BackupAlerts backupAlerts = new BackupAlertEvents(store);
                // before the service takes any run: a run the previous daemon left is settled against its archive
                BackupReconciler reconciler = new BackupReconciler(backupCatalog, home.dir().resolve("backups"), backupAlerts);
                reconciler.reconcile();
                BackupService backups = new BackupService(backupCatalog, home.dir().resolve("backups"), backupAlerts);
                BackupScheduler backupSchedule = new BackupScheduler(backups, backupCatalog, configs, backupAlerts, secrets, operations);
                backupSchedule.resume();
                CheckRecords checkRecords = new CheckRecords(store);
                DaemonCheckContext checkContext = new DaemonCheckContext(supervisor, store, backupCatalog, checkRecords, reconciler);
                CheckScheduler checks = new CheckScheduler(checkRecords, alertsConfig -> new AlertRouter(checkRecords, new ChannelSender(), alertsConfig,
                        Clock.systemUTC(), ZoneId.systemDefault()), checkContext, configs);
                WatchedSources watched = new WatchedSources(checkRecords, secrets);
                checks.onWatch(watched::remember);
                // the charts' history: instances, the host and check latencies, downsampled in history.db
                MetricsHistory history = openHistory(home);
                HistorySampler sampler = history == null ? null : new HistorySampler(history, supervisor::status, checkContext::host, home.dir()).start();
                if (sampler != null) checks.onResult(sampler::checkFinished);
                watched.resume(checks);
                store.onEvent(checks::onEvent);
                Deployer deployer = new Deployer(deployments, new DeployedApps(catalog, supervisor, secrets), home.dir().resolve("deploys"),
                        home.dir().resolve("releases"), new DeployBackups(backups, home.logs(), configs, secrets), secrets, configs);
                reportInterrupted(deployer.recoverInterrupted(), store);
                RequestConfigs requestConfigs = new RequestConfigs(configs, checks, backupSchedule);
                AppControllers appApi = new AppControllers(catalog, supervisor, store, requestConfigs, info, stopped::countDown);
                DeployControllers deployApi = new DeployControllers(deployer, deployments);
                BackupControllers backupApi = new BackupControllers(backups, backupCatalog, requestConfigs, reconciler, operations, secrets);
                CheckControllers checkApi = new CheckControllers(checks, checkRecords,
                        new PrometheusMetrics(checks, supervisor, backupCatalog, deployments), checkContext, requestConfigs);
                Path portFile = home.dir().resolve("port");
                // the dashboard: named users (users.json, `berth user`), sessions in memory, every POST in audit.log
                Sessions sessions = new Sessions(Clock.systemUTC());
                WebAccess web = new WebAccess(token, new Logins(new UsersFile(home.dir(), PasswordHasher.owasp()), sessions,
                        new LoginThrottle(Clock.systemUTC())), sessions, new LoginTickets(Clock.systemUTC()), AuditLog.in(home.dir()), Clock.systemUTC());
                DashboardAssets assets = new DashboardAssets();
                ProxyControllers proxyApi = new ProxyControllers(frontDoor, requestConfigs, secrets);
                ApiServer api = bind(portFile, port -> new ApiServer(host, port, token, requestConfigs, appApi, deployApi, backupApi, checkApi, proxyApi,
                        new LogControllers(supervisor, deployments), new SeriesControllers(history, Clock.systemUTC())).withDashboard(web, assets));
                // Adopt what a previous daemon left running before answering anyone, so the first
                // `status` already shows every instance.
                // the front door first: adopted instances of apps behind it are switched in as they are found
                resumeFrontDoor(frontDoor, configs, secrets);
                for (Outcome o : catalog.recoverAll()) LOG.info("recover " + o.app() + ": " + o.message());
                frontDoor.refresh(); // what recovery found (or started) is what nginx sends to
                // then what a killed daemon's unfinished replacement left, once nginx no longer sends to it (in the background)
                Thread.ofVirtual().name("berth-strays").start(() -> supervisor.stopStrays(frontDoor.drain()));
                Thread.ofVirtual().name("berth-frontdoor-watch").start(() -> watchFrontDoor(frontDoor, stopped));
                deployer.finishRecovery(); // an interrupted cut-over goes back, in the background
                // restarts, reloads, stops, restores and drills the previous daemon was in the middle of
                new InterruptedOperations(operations, store, supervisor, reconciler, configs, secrets).settle();
                api.start();
                AdminListener admin = new AdminListener(api, frontDoor::certificateFiles);
                Thread.ofVirtual().name("berth-admin").start(() -> watchAdmin(admin, requestConfigs, stopped));
                publish(api, portFile, info);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(closed), "berth-shutdown"));
                stopped.await();
                LOG.info("berth daemon stopping; apps keep running");
                api.close();
                checks.close();
                if (sampler != null) sampler.close();
                if (history != null) history.close();
                Files.deleteIfExists(home.daemonInfo());
            }
            // A clean end leaves no pid: the next daemon looks for a dead one's leftovers only after a crash
            // (a pid kept after a clean stop could name, by then, an unrelated session).
            lockChannel.truncate(0);
        }
    }

    /** Serves again the sites of the berth.yml the previous daemon served, read as it read it (nginx itself kept running). */
    private static void resumeFrontDoor(FrontDoor door, ConfigCache configs, SecretBox secrets) {
        door.source().ifPresent(source -> {
            try {
                Map<String, String> vars = source.sealedVariables() == null ? Map.of() : Json.readStringMap(secrets.openText(source.sealedVariables()));
                door.resume(configs.load(source.config(), source.profile(), vars));
            } catch (ConfigException | IOException e) {
                LOG.warning("front door: cannot serve the sites of " + source.config() + " again: " + e.getMessage());
            }
        });
    }

    /** history.db, or null when it cannot be opened (a damaged one is set aside by MetricsHistory): the daemon runs without charts rather than not at all. */
    private static MetricsHistory openHistory(BerthHome home) {
        try {
            return MetricsHistory.open(home.dir().resolve("history.db"), Clock.systemUTC());
        } catch (IOException | RuntimeException e) {
            LOG.warning("the metrics history cannot be opened, the dashboard's charts stay empty: " + e.getMessage());
            return null;
        }
    }

    /** The admin: listener of the first watched berth.yml that has one, opened, moved or closed as the files change. */
    private static void watchAdmin(AdminListener admin, RequestConfigs configs, CountDownLatch stopped) {
        try {
            do {
                admin.use(configs.known().values().stream().map(BerthFile::admin).filter(AdminSpec::any).findFirst().orElse(AdminSpec.NONE));
            } while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close();
        }
    }

    /** nginx outlives the daemon, but if it dies the daemon starts it again; certificates due are ordered every 10 minutes. */
    private static void watchFrontDoor(FrontDoor door, CountDownLatch stopped) {
        try {
            for (long round = 0; !stopped.await(5, java.util.concurrent.TimeUnit.SECONDS); round++) {
                door.keepRunning();
                if (round % 120 == 1) door.renewDue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
