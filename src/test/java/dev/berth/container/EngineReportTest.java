package dev.berth.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup layout crun refuses, read from a copy of /sys. */
class EngineReportTest {
    @TempDir Path root;

    @Test void v1ControllersBesideAV2HierarchyWithControllersIsHybrid() throws Exception {
        Files.createDirectories(root.resolve("sys/fs/cgroup/memory"));
        Path unified = Files.createDirectories(root.resolve("sys/fs/cgroup/unified")).resolve("cgroup.controllers");
        Files.writeString(unified, "\n");
        assertFalse(EngineReport.hybridCgroups(root), "a v2 mount with no controllers is plain v1 for crun");
        Files.writeString(unified, "hugetlb\n");
        assertTrue(EngineReport.hybridCgroups(root));
    }

    @Test void aPureV2HostIsNotHybrid() throws Exception {
        Files.createDirectories(root.resolve("sys/fs/cgroup"));
        Files.writeString(root.resolve("sys/fs/cgroup/cgroup.controllers"), "cpu memory pids\n");
        assertFalse(EngineReport.hybridCgroups(root));
    }
}
