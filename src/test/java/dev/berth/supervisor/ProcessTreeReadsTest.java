package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ProcessTree reads for the supervisor besides the tree itself: sessions, cwd, boot time, port holders. */
class ProcessTreeReadsTest {
    @TempDir Path proc;

    @Test void sessionMembersAreTheProcessesInTheLeadersGroupAndSession() throws IOException {
        FakeProc.stat(proc, 50, "restore", 'S', 1, 40, 40, 0, 0, 100);   // left by daemon 40
        FakeProc.stat(proc, 51, "zstd", 'S', 50, 40, 40, 0, 0, 101);     // its child, same group and session
        FakeProc.stat(proc, 52, "app", 'S', 1, 52, 52, 0, 0, 102);       // an app: a session of its own
        FakeProc.stat(proc, 53, "step", 'S', 1, 40, 53, 0, 0, 103);      // same group, other session
        FakeProc.stat(proc, 54, "self", 'S', 1, 40, 40, 0, 0, 104);      // the caller, left out
        assertEquals(List.of(50L, 51L), new ProcessTree(proc).sessionMembers(40, 54));
    }

    @Test void workingDirectoryIsTheCwdLinkOrEmpty() throws IOException {
        Files.createDirectories(proc.resolve("70"));
        Files.createSymbolicLink(proc.resolve("70/cwd"), Path.of("/srv/web/releases/3"));
        ProcessTree tree = new ProcessTree(proc);
        assertEquals(Optional.of(Path.of("/srv/web/releases/3")), tree.workingDirectory(70));
        assertEquals(Optional.empty(), tree.workingDirectory(71), "gone");
    }

    @Test void startedAtCountsTheStartTicksFromTheBootTime() throws IOException {
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3 4\nbtime 1700000000\nprocesses 9\n");
        ProcessTree tree = new ProcessTree(proc);
        long ticks = 250 * tree.clockTicksPerSecond();
        assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_250L)), tree.startedAt(ticks));
        assertEquals(Optional.empty(), new ProcessTree(proc.resolve("none")).startedAt(ticks), "no /proc/stat");
    }

    @Test void listenerOfFindsThePidByTheSocketInodeAndShowsNoOptions() throws IOException {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), String.join("\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0",
                "   1: 00000000:1F91 00000000:0000 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0", ""));
        Files.createDirectories(proc.resolve("90/fd"));
        Files.createSymbolicLink(proc.resolve("90/fd/3"), Path.of("socket:[4242]"));
        Files.write(proc.resolve("90/cmdline"), "/usr/bin/python3\0-u\0--password=x\0/srv/app.py\0".getBytes());
        ProcessTree tree = new ProcessTree(proc);
        assertEquals(Optional.of("pid 90 (python3 app.py)"), tree.listenerOf(0x1F90));
        assertEquals(Optional.empty(), tree.listenerOf(0x1F91), "not listening (state 01)");
        assertEquals(Optional.empty(), tree.listenerOf(1234));
    }

    @Test void aPortInUseNamesItsHolder() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String holder = PortCheck.inUse(s.getLocalPort(), new ProcessTree());
            assertTrue(holder != null && holder.startsWith("port " + s.getLocalPort() + " is in use by "), holder);
        }
    }
}
