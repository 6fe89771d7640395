package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.DeploySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Specs of a deployable app for the deploy package's tests. */
final class DeployFixtures {
    private DeployFixtures() { }

    static DeploySpec deploy(String health, boolean preflight) {
        return new DeploySpec(Path.of("/srv/web"), new DeploySpec.DirSource(Path.of("/src/web")), 5, List.of(),
                List.of(new DeploySpec.Step("build", "make", Duration.ofMinutes(5))), List.of(), List.of(),
                Duration.ofSeconds(10), health, null, preflight);
    }

    static AppSpec app(Integer port, DeploySpec deploy) {
        return new AppSpec("web", null, Path.of("/srv/web/current"), Map.of(), null, 1, port, null, null, null, "TERM",
                Duration.ofSeconds(2), null, null, deploy, false);
    }

    static DeployRequest request(boolean skipTests, boolean skipBuild) {
        return new DeployRequest(null, null, Map.of(), null, skipTests, skipBuild, false, false, false, "test");
    }
}
