package dev.berth.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.exec.Executables;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `berth doctor` on this machine, with /proc values a test chooses where the machine's own would not show the case. */
class DoctorTest {
    @TempDir Path tmp;

    private Path proc(String somaxconn, String fileMax, String openFiles, String swapKb) throws Exception {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("sys/net/core"));
        Files.createDirectories(proc.resolve("sys/fs"));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("sys/net/core/somaxconn"), somaxconn + "\n");
        Files.writeString(proc.resolve("sys/fs/file-max"), fileMax + "\n");
        Files.writeString(proc.resolve("self/limits"), "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max open files            " + openFiles + "                 " + openFiles + "                 files     \n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal:        8000000 kB\nSwapTotal:       " + swapKb + " kB\n");
        return proc;
    }

    private static Finding find(List<Finding> all, String check) {
        return all.stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow(() -> new AssertionError(check + " not in " + all));
    }

    @Test
    void lowLimitsAndNoSwapAreWarningsWithTheCommandThatFixesThem() throws Exception {
        List<Finding> all = new Doctor(tmp, proc("128", "8192", "1024", "0")).examine(null);
        Finding somaxconn = find(all, "net.core.somaxconn");
        assertEquals(Finding.State.WARNING, somaxconn.state());
        assertEquals("sysctl -w net.core.somaxconn=1024 && echo 'net.core.somaxconn = 1024' > /etc/sysctl.d/60-berth.conf", somaxconn.fix());
        assertEquals(Finding.State.WARNING, find(all, "fs.file-max").state());
        assertTrue(find(all, "ulimit -n").detail().startsWith("1024 open files per process"), find(all, "ulimit -n").toString());
        assertTrue(find(all, "swap").fix().contains("mkswap"), find(all, "swap").toString());
        assertTrue(Doctor.exitCode(all) >= 1);

        List<Finding> good = new Doctor(tmp, proc("4096", "2000000", "65535", "2097152")).examine(null);
        for (String c : List.of("net.core.somaxconn", "fs.file-max", "ulimit -n", "swap")) assertEquals(Finding.State.OK, find(good, c).state(), c);
        assertEquals("2048 MiB", find(good, "swap").detail());
    }

    @Test
    void aPublicPortHeldByAnotherProgramFailsNamingIt() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            Files.writeString(tmp.resolve("berth.yml"), """
                    apps: {web: {run: ./web}}
                    proxy: {http_port: %d}
                    sites: {s: {domains: [a.test], routes: {/: {app: web}}}}
                    backups:
                      catalog: {mongo: catalog, to: backups}
                    """.formatted(other.getLocalPort()));
            BerthFile f = new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(tmp.resolve("berth.yml"), null);
            List<Finding> all = new Doctor(tmp, Path.of("/proc")).examine(f);
            Finding port = find(all, "port " + other.getLocalPort() + " (HTTP)");
            assertEquals(Finding.State.FAIL, port.state(), port.toString());
            assertTrue(port.detail().startsWith("in use by pid " + ProcessHandle.current().pid()), port.toString());
            assertTrue(port.fix().contains("proxy.http_port"), port.toString());
            Finding mongo = find(all, "backup tool mongodump");
            assertEquals(Executables.onPath("mongodump").isPresent() ? Finding.State.OK : Finding.State.FAIL, mongo.state(), mongo.toString());
            assertTrue(all.stream().anyMatch(x -> x.check().equals("disk " + tmp.resolve("backups"))), "each backup path's disk: " + all);
            assertEquals(2, Doctor.exitCode(all));
        }
    }

    @Test
    void aStaticRootNginxsWorkersCannotReachFailsNamingTheDirectoryAndTheChmod() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home/deploy"));
        Path dist = Files.createDirectories(home.resolve("dist"));
        Path open = Files.createDirectories(tmp.resolve("srv/web"));
        for (Path p : List.of(tmp, tmp.resolve("home"), dist, tmp.resolve("srv"), open)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------")); // a user's home, as adduser makes it
        Files.writeString(tmp.resolve("berth.yml"), """
                apps: {web: {run: ./web}}
                sites: {s: {domains: [a.test], routes: {/app: {static: %s}, /: {static: %s}, /later: {static: %s}}}}
                """.formatted(dist, open, tmp.resolve("not-yet")));
        BerthFile f = new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(tmp.resolve("berth.yml"), null);
        // the workers' user: www-data, as when Berth runs as root (the ancestors of tmp must let it through too)
        boolean reachable = true;
        for (Path p = tmp.getParent(); p != null; p = p.getParent()) reachable &= Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE);
        Assumptions.assumeTrue(reachable, "the temporary directory's parents are closed to others");
        List<Finding> all = new Doctor(tmp, Path.of("/proc")).staticFiles(f.proxy(), "www-data");
        Finding blocked = find(all, "static s /app");
        assertEquals(Finding.State.FAIL, blocked.state(), blocked.toString());
        assertTrue(blocked.detail().startsWith(home + " (above " + dist + ") cannot be entered by www-data"), blocked.toString());
        assertEquals("chmod o+x " + home + ", or move the files out of it", blocked.fix());
        assertEquals(Finding.State.OK, find(all, "static s /").state(), all.toString());
        assertEquals(Finding.State.WARNING, find(all, "static s /later").state(), all.toString());

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dist, PosixFilePermissions.fromString("rwx------"));
        Finding unreadable = find(new Doctor(tmp, Path.of("/proc")).staticFiles(f.proxy(), "www-data"), "static s /app");
        assertEquals("chmod -R o+rX " + dist, unreadable.fix(), unreadable.toString());
    }
}
