package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** image:, build: and container:, each wrong value named with its line and field, and what a good app gives. */
class ContainerSectionTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `image: "-rm"`                                      | 3:12: apps.api.image: expected an image reference
            `image: "a b"`                                      | apps.api.image: expected an image reference
            `image: x\\n    run: ./api`                        | 4:5: apps.api.run: a container app runs its image: use container.command
            `image: x\\n    args: [a]`                         | apps.api.args: a container app runs its image
            `run: ./api\\n    container: {memory: 1G}`          | 4:5: apps.api.container: applies only to a container app
            `image: x\\n    container: {memory: 1M}`           | apps.api.container.memory: engines refuse a memory limit under 6M
            `image: x\\n    container: {memory: lots}`         | apps.api.container.memory: expected a size
            `image: x\\n    container: {cpus: 0}`              | apps.api.container.cpus: expected a number of CPU cores > 0
            `image: x\\n    container: {engine: lxc}`          | apps.api.container.engine: expected docker or podman, got "lxc"
            `image: x\\n    container: {gpus: some}`           | apps.api.container.gpus: expected all, a number of GPUs
            `image: x\\n    container: {gpus: []}`             | the list is empty (to pass no GPU, remove gpus)
            `image: x\\n    container: {gpus: [0, "x y"]}`     | apps.api.container.gpus[1]: expected a GPU index
            `image: x\\n    container: {cap_drop: [all-of-them]}`| apps.api.container.cap_drop[0]: expected a capability name
            `image: x\\n    container: {volumes: [data]}`      | apps.api.container.volumes[0]: expected SOURCE:/path/in/container[:ro]
            `image: x\\n    container: {volumes: ["data:rel"]}`| apps.api.container.volumes[0]: the path in the container must be absolute
            `image: x\\n    container: {volumes: ["./nope:/x"]}`| DIR/nope does not exist
            `image: x\\n    container: {engine_args: [shm]}`   | apps.api.container.engine_args[0]: expected an option of `run`
            `image: x\\n    container: {user: "a b"}`          | apps.api.container.user: expected a user or uid
            `image: x\\n    container: {prot: 80}`             | unknown key "prot"; did you mean "port"?
            `build: ./none`                                     | apps.api.build: directory DIR/none does not exist
            `build: .`                                          | apps.api.build: the build context DIR has no Dockerfile or Containerfile
            `build: {context: ., dockerfile: ../Dockerfile}`    | apps.api.build.dockerfile: must be inside the build context
            `image: x\\n    deploy: {path: /srv/x, dir: .}`    | apps.api.deploy: deploys of container apps are not built yet
            `run: ./api\\n    ready: {healthcheck: true}`         | apps.api.ready.healthcheck: applies only to a container app
            `image: x\\n    container: {healthcheck: sometimes}`| apps.api.container.healthcheck: expected none (the image's HEALTHCHECK off) or a mapping
            `image: x\\n    container: {healthcheck: {interval: 5s}}`| apps.api.container.healthcheck.test: is required
            `image: x\\n    container: {healthcheck: {test: x, retries: 0}}`| apps.api.container.healthcheck.retries: expected an integer >= 1
            """)
    void problems(String fragment, String expected) throws Exception {
        String problems = problemsOf("apps:\n  api:\n    " + fragment.replace("\\n", "\n") + "\n");
        String wanted = expected.replace("DIR", dir.toString());
        assertTrue(problems.contains(wanted), () -> "expected\n  " + wanted + "\nin\n  " + problems);
    }

    @Test void aSiteRoutingToAContainerNeedsItsPortInside() throws Exception {
        String problems = problemsOf("""
                apps:
                  api: {image: localhost/api:1}
                sites:
                  s: {domains: [localhost], routes: {/: {app: api}}}
                """);
        assertTrue(problems.contains("apps.api.container.port: a site routes to this container app: set container.port"), problems);
    }

    @Test void theAppsPortIsThePortInsideUnlessToldAndBuildTagsItsOwnImage() throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, """
                apps:
                  api: {image: localhost/api:1, port: 3000}
                  built: {build: ., container: {gpus: [0, 2], cap_drop: [cap_net_raw]}}
                """);
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null);
        assertEquals(3000, f.app("api").orElseThrow().container().port());
        ContainerSpec built = f.app("built").orElseThrow().container();
        assertEquals("localhost/berth-built:latest", built.image());
        assertEquals(new ContainerSpec.Build(dir, null, null, Map.of()), built.build());
        assertEquals(new ContainerSpec.Gpus(false, null, List.of("0", "2")), built.gpus());
        assertEquals(List.of("NET_RAW"), built.capDrop());
        assertEquals("image localhost/api:1", f.app("api").orElseThrow().command().shown());
    }

    private String problemsOf(String yaml) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null));
        return e.getMessage();
    }
}
