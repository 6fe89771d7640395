package dev.berth.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.config.ContainerSpec;
import dev.berth.config.ContainerSpec.Gpus;
import dev.berth.config.ContainerSpec.Volume;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The exact `run` arguments each engine gets (GPUs cannot run here: their flags are tested as built). */
class RunArgumentsTest {
    static ContainerSpec spec(Gpus gpus) {
        return new ContainerSpec("registry.example.com/tts:2.1", null, null, 8000, List.of("python3", "-m", "tts"),
                List.of(new Volume("cache", true, "/root/.cache", false), new Volume("/srv/models", false, "/models", true)),
                512L << 20, 1.5, "1000:1000", true, List.of("ALL"), List.of("NET_BIND_SERVICE"), gpus, true, List.of("--shm-size=1g"),
                new ContainerSpec.Healthcheck("wget -qO- http://localhost:8000/health", java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(2500), 3,
                        java.time.Duration.ofSeconds(20), false));
    }

    @Test void everySettingBecomesItsOption() {
        assertEquals(List.of("run", "--rm", "--name=berth-tts-0-abc123", "--restart=no", "--log-driver=none",
                        "--label=berth.app=tts", "--label=berth.instance=0", "--label=berth.home=/var/lib/berth", "--init",
                        "--publish=127.0.0.1:41000:8000", "--env=PORT=8000", "--env=HF_TOKEN", "--env=MODEL",
                        "--volume=cache:/root/.cache", "--volume=/srv/models:/models:ro",
                        "--memory=536870912b", "--memory-swap=536870912b", "--cpus=1.5", "--user=1000:1000", "--read-only",
                        "--cap-drop=ALL", "--cap-add=NET_BIND_SERVICE", "--device=nvidia.com/gpu=all",
                        "--health-cmd=wget -qO- http://localhost:8000/health", "--health-interval=10000ms", "--health-timeout=2500ms", "--health-retries=3",
                        "--health-start-period=20000ms", "--shm-size=1g",
                        "registry.example.com/tts:2.1", "python3", "-m", "tts"),
                RunArguments.of(Engine.Kind.PODMAN, spec(Gpus.everyOne()), "tts", "0", "berth-tts-0-abc123", "/var/lib/berth", "127.0.0.1", 41000,
                        List.of("HF_TOKEN", "PORT", "MODEL")));
    }

    @Test void noPortNoPublishAndTheImagesOwnCommand() {
        ContainerSpec bare = new ContainerSpec("localhost/job:1", null, null, null, List.of(), List.of(), null, null, null, false, List.of(), List.of(),
                null, false, List.of(), ContainerSpec.Healthcheck.off());
        assertEquals(List.of("run", "--rm", "--name=n", "--restart=no", "--log-driver=none", "--label=berth.app=job", "--label=berth.instance=preflight",
                "--label=berth.home=/h", "--no-healthcheck", "localhost/job:1"), RunArguments.of(Engine.Kind.DOCKER, bare, "job", "preflight", "n", "/h", "0.0.0.0", null, List.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "DOCKER | all  | --gpus=all",
            "DOCKER | 2    | --gpus=2",
            "DOCKER | 0,2  | --gpus=\"device=0,2\"",
            "DOCKER | GPU-3b6f1c2e-aaaa | --gpus=\"device=GPU-3b6f1c2e-aaaa\"",
            "PODMAN | all  | --device=nvidia.com/gpu=all",
            "PODMAN | 2    | --device=nvidia.com/gpu=0 --device=nvidia.com/gpu=1",
            "PODMAN | 0,2  | --device=nvidia.com/gpu=0 --device=nvidia.com/gpu=2",
    })
    void gpus(Engine.Kind engine, String gpus, String expected) {
        Gpus g = gpus.equals("all") ? Gpus.everyOne() : gpus.matches("\\d+") ? new Gpus(false, Integer.parseInt(gpus), List.of())
                : new Gpus(false, null, List.of(gpus.split(",")));
        assertEquals(List.of(expected.split(" ")), RunArguments.gpus(engine, g));
    }
}
