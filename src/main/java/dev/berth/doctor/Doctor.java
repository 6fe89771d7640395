package dev.berth.doctor;

import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.ProxySpec;
import dev.berth.container.EngineReport;
import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Executables;
import dev.berth.exec.Output;
import dev.berth.frontdoor.FrontDoor;
import dev.berth.supervisor.ProcessTree;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What operators check by hand before a server takes traffic (seed 003 §5.1): nginx, the public
 * ports, file descriptor and socket limits, swap, disk and inodes where Berth writes, clock sync,
 * the firewall, the dump tools the backups need, and the systemd unit. Each finding says what to
 * run to fix it. Reads the machine only; changes nothing.
 */
public final class Doctor {
    private final Path home;
    private final Path procRoot;
    private final ProcessTree tree;

    /** @param procRoot /proc (tests give a copy with other values) */
    public Doctor(Path home, Path procRoot) {
        this.home = home;
        this.procRoot = procRoot;
        this.tree = new ProcessTree();
    }

    /** Every finding, for this berth.yml (null: none here, then only what does not depend on one). */
    public List<Finding> examine(BerthFile file) {
        List<Finding> out = new ArrayList<>();
        ProxySpec proxy = file == null ? ProxySpec.NONE : file.proxy();
        out.add(nginx(proxy));
        out.add(port(proxy.httpPort(), "HTTP", proxy));
        if (proxy.sites().stream().anyMatch(ProxySpec.Site::https) || !proxy.any()) out.add(port(proxy.httpsPort(), "HTTPS", proxy));
        out.add(openFiles());
        out.add(sysctl("net.core.somaxconn", "net/core/somaxconn", 1024, "the accept queue of every listening socket"));
        out.add(sysctl("fs.file-max", "fs/file-max", 100_000, "open files on the whole machine"));
        out.add(swap());
        Set<Path> places = new LinkedHashSet<>();
        places.add(home);
        if (file != null) {
            file.apps().stream().filter(a -> a.deploy() != null).forEach(a -> places.add(a.deploy().path()));
            file.backups().forEach(b -> places.add(b.to()));
        }
        for (Path p : places) out.addAll(disk(p));
        out.add(clock());
        out.add(firewall(proxy));
        out.addAll(staticFiles(proxy, FrontDoor.workerUser(proxy)));
        if (file != null) out.addAll(backupTools(file.backups()));
        out.addAll(containers(file));
        out.add(unit());
        return out;
    }

    /** 0 all OK, 1 a warning, 2 a failure: as `berth check`. */
    public static int exitCode(List<Finding> findings) {
        if (findings.stream().anyMatch(f -> f.state() == Finding.State.FAIL)) return 2;
        return findings.stream().anyMatch(f -> f.state() == Finding.State.WARNING) ? 1 : 0;
    }

    // ---- the checks -------------------------------------------------------------------------------

    private Finding nginx(ProxySpec proxy) {
        Optional<Path> nginx = Executables.onPath("nginx", pathWithSbin());
        if (nginx.isEmpty()) {
            return proxy.any() ? Finding.fail("nginx", "not installed, and berth.yml has sites: the front door runs it", "apt-get install nginx")
                    : Finding.warning("nginx", "not installed (needed once berth.yml has sites:)", "apt-get install nginx");
        }
        String version = output(List.of(nginx.get().toString(), "-v")).replaceAll("(?s).*nginx/(\\S+).*", "$1").strip();
        String mode = proxy.nginx().equals("auto") ? (FrontDoor.systemNginxRuns() ? "system (a system nginx runs)" : "managed") : proxy.nginx();
        return Finding.ok("nginx", nginx.get() + " " + version + "; front door mode: " + mode);
    }

    private Finding port(int port, String what, ProxySpec proxy) {
        String check = "port " + port + " (" + what + ")";
        Optional<Long> berthNginx = berthNginxPid();
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            String holder = tree.listenerOf(port).orElse("another process");
            if (berthNginx.isPresent() && holder.startsWith("pid ") && ownedBy(holder, berthNginx.get())) return Finding.ok(check, "served by Berth's nginx");
            if (proxy.nginx().equals("system") || FrontDoor.systemNginxRuns() && holder.contains("nginx")) {
                return Finding.ok(check, "held by the system's nginx (" + holder + "), which Berth drives in system mode");
            }
            if (port < 1024 && e.getMessage() != null && e.getMessage().contains("Permission denied")) {
                return Finding.warning(check, "a port below 1024 needs root or CAP_NET_BIND_SERVICE for nginx",
                        "setcap cap_net_bind_service=+ep /usr/sbin/nginx (or run Berth as root, or set proxy.http_port/https_port above 1023)");
            }
            return Finding.fail(check, "in use by " + holder, "stop it, or set proxy." + (what.equals("HTTP") ? "http_port" : "https_port") + " to another port");
        }
        return Finding.ok(check, "free");
    }

    private boolean ownedBy(String holder, long master) {
        Matcher m = Pattern.compile("pid (\\d+)").matcher(holder);
        if (!m.find()) return false;
        long pid = Long.parseLong(m.group(1));
        return pid == master || tree.descendants(master).contains(pid);
    }

    private Optional<Long> berthNginxPid() {
        try {
            long pid = Long.parseLong(Files.readString(home.resolve("frontdoor/nginx/nginx.pid")).strip());
            return tree.startTicks(pid).isPresent() ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Finding openFiles() {
        try {
            for (String line : Files.readAllLines(procRoot.resolve("self/limits"))) {
                if (!line.startsWith("Max open files")) continue;
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                long soft = f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                if (soft >= 65535) return Finding.ok("ulimit -n", soft == Long.MAX_VALUE ? "unlimited" : Long.toString(soft));
                return Finding.warning("ulimit -n", soft + " open files per process: a busy nginx or app runs out (EMFILE)",
                        "LimitNOFILE=65535 in berth.service (berth startup writes it), or `ulimit -n 65535` in the shell that starts Berth");
            }
        } catch (IOException | RuntimeException e) {
            return Finding.warning("ulimit -n", "cannot read " + procRoot.resolve("self/limits") + ": " + e.getMessage(), "check it with `ulimit -n`");
        }
        return Finding.warning("ulimit -n", "not in " + procRoot.resolve("self/limits"), "check it with `ulimit -n`");
    }

    private Finding sysctl(String name, String file, long wanted, String what) {
        try {
            // readAllLines, not readString: /proc files have size 0, and a sized read may stop early
            long v = Long.parseLong(Files.readAllLines(procRoot.resolve("sys").resolve(file)).get(0).trim().split("\\s+")[0]);
            if (v >= wanted) return Finding.ok(name, Long.toString(v));
            return Finding.warning(name, v + " (" + what + "); at least " + wanted + " for a web server",
                    "sysctl -w " + name + "=" + wanted + " && echo '" + name + " = " + wanted + "' > /etc/sysctl.d/60-berth.conf");
        } catch (IOException | RuntimeException e) {
            return Finding.warning(name, "cannot read it: " + e.getMessage(), "sysctl " + name);
        }
    }

    private Finding swap() {
        try {
            long total = 0;
            for (String line : Files.readAllLines(procRoot.resolve("meminfo"))) {
                if (line.startsWith("SwapTotal:")) total = Long.parseLong(line.replaceAll("\\D+", ""));
            }
            if (total > 0) return Finding.ok("swap", (total / 1024) + " MiB");
            return Finding.warning("swap", "none: when memory runs out the kernel kills a process instead of slowing down",
                    "fallocate -l 2G /swapfile && chmod 600 /swapfile && mkswap /swapfile && swapon /swapfile && echo '/swapfile none swap sw 0 0' >> /etc/fstab");
        } catch (IOException | RuntimeException e) {
            return Finding.warning("swap", "cannot read " + procRoot.resolve("meminfo") + ": " + e.getMessage(), "free -h");
        }
    }

    private List<Finding> disk(Path place) {
        Path p = place;
        while (p != null && !Files.exists(p)) p = p.getParent(); // a path not made yet is on its parent's disk
        if (p == null) return List.of();
        List<Finding> out = new ArrayList<>();
        try {
            FileStore store = Files.getFileStore(p);
            double freeSpace = 100.0 * store.getUsableSpace() / Math.max(1, store.getTotalSpace());
            out.add(level("disk " + place, freeSpace, String.format("%.0f%% free (%d MiB)", freeSpace, store.getUsableSpace() >> 20),
                    "free space on " + store + " (du -xh --max-depth=2 " + p + " | sort -h | tail), or move " + place + " to a larger disk"));
            Map<String, Long> inodes = inodes(p);
            if (inodes.get("total") > 0) {
                double freeInodes = 100.0 * inodes.get("free") / inodes.get("total");
                out.add(level("inodes " + place, freeInodes, String.format("%.0f%% free", freeInodes),
                        "remove many small files (find " + p + " -xdev -type f | cut -d/ -f2-3 | sort | uniq -c | sort -n | tail)"));
            }
        } catch (IOException e) {
            out.add(Finding.warning("disk " + place, "cannot read: " + e.getMessage(), "df -h " + p));
        }
        return out;
    }

    private static Finding level(String check, double freePercent, String detail, String fix) {
        if (freePercent < 5) return Finding.fail(check, detail, fix);
        if (freePercent < 10) return Finding.warning(check, detail, fix);
        return Finding.ok(check, detail);
    }

    /** Total and free inodes from `df -Pi` (Java's FileStore does not have them). */
    private Map<String, Long> inodes(Path p) {
        Map<String, Long> out = new LinkedHashMap<>(Map.of("total", 0L, "free", 0L));
        String[] lines = output(List.of("df", "-Pi", p.toString())).strip().split("\n");
        if (lines.length < 2) return out;
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        try {
            out.put("total", Long.parseLong(f[1]));
            out.put("free", Long.parseLong(f[3]));
        } catch (RuntimeException e) {
            // a file system without inodes (df says "-"): nothing to check
        }
        return out;
    }

    private Finding clock() {
        if (Executables.onPath("timedatectl").isPresent()) {
            String synced = output(List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value")).strip();
            if (synced.equals("yes")) return Finding.ok("clock", "synchronized (timedatectl)");
            if (synced.equals("no")) {
                return Finding.warning("clock", "not synchronized: certificates, cron schedules and logs need the right time",
                        "timedatectl set-ntp true (or apt-get install systemd-timesyncd)");
            }
        }
        if (Files.exists(Path.of("/run/systemd/timesync/synchronized"))) return Finding.ok("clock", "synchronized (systemd-timesyncd)");
        if (Executables.onPath("chronyc").isPresent() && output(List.of("chronyc", "tracking")).contains("Leap status     : Normal")) {
            return Finding.ok("clock", "synchronized (chrony)");
        }
        return Finding.warning("clock", "cannot tell whether the clock is synchronized (no timedatectl, timesyncd or chrony answered)",
                "apt-get install systemd-timesyncd && timedatectl set-ntp true");
    }

    private Finding firewall(ProxySpec proxy) {
        if (Executables.onPath("ufw", pathWithSbin()).isEmpty()) {
            return Finding.warning("firewall", "ufw is not installed: every listening port is reachable, not just 22, "
                    + proxy.httpPort() + " and " + proxy.httpsPort(), "apt-get install ufw && ufw allow 22/tcp && ufw allow " + proxy.httpPort()
                    + "/tcp && ufw allow " + proxy.httpsPort() + "/tcp && ufw enable");
        }
        String status = output(List.of(Executables.onPath("ufw", pathWithSbin()).get().toString(), "status"));
        if (!status.contains("Status: active")) {
            return Finding.warning("firewall", "ufw is installed but inactive", "ufw allow 22/tcp && ufw allow " + proxy.httpPort() + "/tcp && ufw allow "
                    + proxy.httpsPort() + "/tcp && ufw enable");
        }
        List<String> closed = new ArrayList<>();
        for (int p : List.of(proxy.httpPort(), proxy.httpsPort())) {
            if (!Pattern.compile("(?m)^" + p + "(/tcp)?\\s+ALLOW").matcher(status).find()) closed.add(Integer.toString(p));
        }
        if (closed.isEmpty()) return Finding.ok("firewall", "ufw active, " + proxy.httpPort() + " and " + proxy.httpsPort() + " allowed");
        return Finding.fail("firewall", "ufw active and port(s) " + String.join(", ", closed) + " not allowed: the sites are unreachable from outside",
                String.join(" && ", closed.stream().map(p -> "ufw allow " + p + "/tcp").toList()));
    }

    private List<Finding> backupTools(List<BackupSpec> backups) {
        Map<String, String> need = new LinkedHashMap<>(); // program -> how to get it
        for (BackupSpec b : backups) {
            switch (b.source()) {
                case BackupSpec.Postgres p -> need.put("pg_dump", "apt-get install postgresql-client");
                case BackupSpec.MySql m -> need.put(Executables.onPath("mariadb-dump").isPresent() ? "mariadb-dump" : "mysqldump", "apt-get install mariadb-client");
                case BackupSpec.Mongo m -> need.put("mongodump", "install MongoDB's database tools (mongodb-database-tools)");
                case BackupSpec.Sqlite s -> need.put("sqlite3", "apt-get install sqlite3");
                case BackupSpec.Redis r -> need.put("redis-cli", "apt-get install redis-tools");
                case BackupSpec.Dir d -> need.put("tar", "apt-get install tar");
            }
            if ("zstd".equals(b.compress())) need.put("zstd", "apt-get install zstd");
            if ("gzip".equals(b.compress())) need.put("gzip", "apt-get install gzip");
            if (b.encrypt() != null) need.put("age", "apt-get install age");
        }
        List<Finding> out = new ArrayList<>();
        for (var e : need.entrySet()) {
            Optional<Path> found = Executables.onPath(e.getKey());
            out.add(found.isPresent() ? Finding.ok("backup tool " + e.getKey(), found.get().toString())
                    : Finding.fail("backup tool " + e.getKey(), "not on PATH, and a backup of berth.yml needs it", e.getValue()));
        }
        return out;
    }

    /**
     * Each static route's root, readable by nginx's workers: every directory above it searchable
     * (x) by that user and the root itself readable (r, x). A 0700 home directory above a site's
     * files is the usual 403.
     *
     * @param workerUser the workers' user, or null for this process's own
     */
    List<Finding> staticFiles(ProxySpec proxy, String workerUser) {
        List<Finding> out = new ArrayList<>();
        for (ProxySpec.Site site : proxy.sites()) {
            for (ProxySpec.Route route : site.routes()) {
                if (route.root() == null) continue;
                String check = "static " + site.name() + " " + route.path();
                Path root = route.root().toAbsolutePath().normalize();
                if (!Files.isDirectory(root)) {
                    out.add(Finding.warning(check, root + " does not exist (yet): nginx answers 404 until it does",
                            "deploy the files, or fix sites." + site.name() + ".routes." + route.path() + ".static"));
                    continue;
                }
                String who = workerUser == null ? "this user" : workerUser;
                Path blocked = null;
                boolean rootItself = false;
                try {
                    for (Path p = root; p != null; p = p.getParent()) {
                        boolean self = p.equals(root);
                        if (!allowed(p, workerUser, self)) {
                            blocked = p;
                            rootItself = self;
                        }
                    }
                } catch (IOException e) {
                    out.add(Finding.warning(check, "cannot read the permissions of " + root + ": " + e.getMessage(), null));
                    continue;
                }
                if (blocked == null) {
                    out.add(Finding.ok(check, root + " readable by " + who));
                } else if (rootItself) {
                    out.add(Finding.fail(check, root + " is not readable by " + who + " (nginx's workers): every request gets 403",
                            "chmod -R o+rX " + root));
                } else {
                    out.add(Finding.fail(check, blocked + " (above " + root + ") cannot be entered by " + who
                            + " (nginx's workers): every request gets 403", "chmod o+x " + blocked + ", or move the files out of it"));
                }
            }
        }
        return out;
    }

    /** Whether user (null: this process) may enter p, and for the root itself also list it. */
    private static boolean allowed(Path p, String user, boolean listToo) throws IOException {
        if (user == null) return Files.isExecutable(p) && (!listToo || Files.isReadable(p));
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
        Set<PosixFilePermission> perms = a.permissions();
        PosixFilePermission x;
        PosixFilePermission r;
        if (a.owner().getName().equals(user)) {
            x = PosixFilePermission.OWNER_EXECUTE;
            r = PosixFilePermission.OWNER_READ;
        } else if (a.group().getName().equals(user)) {
            x = PosixFilePermission.GROUP_EXECUTE;
            r = PosixFilePermission.GROUP_READ;
        } else {
            x = PosixFilePermission.OTHERS_EXECUTE;
            r = PosixFilePermission.OTHERS_READ;
        }
        return perms.contains(x) && (!listToo || perms.contains(r));
    }

    private Finding unit() {
        Path system = Path.of("/etc/systemd/system/berth.service");
        Path user = Path.of(System.getProperty("user.home"), ".config/systemd/user/berth.service");
        if (Files.exists(system)) return Finding.ok("systemd unit", system.toString());
        if (Files.exists(user)) return Finding.ok("systemd unit", user + " (a user unit: `loginctl enable-linger` keeps it after logout)");
        return Finding.warning("systemd unit", "none: after a reboot nothing starts the daemon (the apps come back only when it does)",
                "berth startup, then the systemctl line it prints");
    }

    /**
     * The container engines: each one there and whether it works, GPUs when a driver is there.
     * With a container app in berth.yml, no working engine is a failure; without one, nothing is said of a missing engine.
     */
    private List<Finding> containers(BerthFile file) {
        boolean needed = file != null && file.apps().stream().anyMatch(a -> a.container() != null);
        boolean gpusWanted = file != null && file.apps().stream().anyMatch(a -> a.container() != null && a.container().gpus() != null);
        List<EngineReport> reports = EngineReport.examine(procRoot.getParent() == null ? Path.of("/") : procRoot.getParent());
        boolean anEngineWorks = reports.stream().anyMatch(r -> r.ok() && !r.engine().equals("gpus"));
        List<Finding> out = new ArrayList<>();
        for (EngineReport r : reports) {
            boolean gpus = r.engine().equals("gpus");
            String check = gpus ? "container GPUs" : r.engine();
            if (r.ok()) out.add(Finding.ok(check, r.detail()));
            else if (gpus ? gpusWanted : needed && !anEngineWorks) out.add(Finding.fail(check, r.detail(), r.fix()));
            else out.add(Finding.warning(check, r.detail(), r.fix()));
        }
        if (needed && reports.stream().allMatch(r -> r.engine().equals("gpus"))) {
            out.add(Finding.fail("container engine", "berth.yml has container apps, and neither podman nor docker is installed", "apt-get install podman"));
        }
        return out;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static String pathWithSbin() {
        String path = System.getenv("PATH");
        return (path == null ? "/usr/bin:/bin" : path) + ":/usr/sbin:/sbin:/usr/local/sbin";
    }

    private static String output(List<String> argv) {
        try {
            CommandResult r = CommandRunner.local().run(Command.of(argv).withOutput(Output.capturedWithErrors(256 * 1024)).withTimeout(Duration.ofSeconds(10)));
            return r.output();
        } catch (IOException e) {
            return "";
        }
    }
}
