package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.supervisor.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `current` link and the way back onto a release, on a real directory. */
class ReleaseSwitchTest {
    @TempDir Path base;

    private Path release(String id) throws Exception {
        return Files.createDirectories(base.resolve("releases").resolve(id));
    }

    @Test
    void switchingPointsCurrentAtTheReleaseByARelativeLink() throws Exception {
        Path one = release("20260101-000000");
        Path two = release("20260102-000000");
        assertEquals(Optional.empty(), ReleaseSwitch.current(base));
        List<String> log = new ArrayList<>();

        ReleaseSwitch.switchTo(base, "20260101-000000", log::add);
        assertEquals(Optional.of("20260101-000000"), ReleaseSwitch.current(base));
        assertTrue(KeptReleases.isCurrent(one));
        assertFalse(KeptReleases.isCurrent(two));

        ReleaseSwitch.switchTo(base, "20260102-000000", log::add);
        assertEquals(Path.of("releases", "20260102-000000"), Files.readSymbolicLink(base.resolve("current")));
        assertTrue(KeptReleases.isCurrent(two));
        assertEquals(List.of("current -> releases/20260101-000000", "current -> releases/20260102-000000"), log);
        try (var entries = Files.list(base)) {
            assertEquals(List.of("current", "releases"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary link is left beside current");
        }
    }

    @Test
    void goingBackRestartsThenPointsCurrentAtTheReleaseEvenWhenTheRestartFailed() throws Exception {
        release("old");
        release("new");
        ReleaseSwitch.switchTo(base, "new", line -> { });
        List<String> log = new ArrayList<>();
        Outcome failed = ReleaseSwitch.backOnto(base, "old", () -> new Outcome("web", false, "instance 0 did not start", List.of()), log::add);
        assertFalse(failed.ok());
        assertEquals(Optional.of("old"), ReleaseSwitch.current(base));
        assertEquals(List.of("instance 0 did not start", "current -> releases/old"), log);

        log.clear();
        Outcome ok = ReleaseSwitch.backOnto(base, "old", () -> new Outcome("web", true, "1 instance(s) back", List.of()), log::add);
        assertTrue(ok.ok());
        assertEquals(List.of("1 instance(s) back"), log, "current already points at it: no second switch");
    }
}
