package dev.berth.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a container app runs (berth.yml `image:` or `build:`, and `container:`): everything the
 * engine's `run` needs but the instance's own name and port (see dev.berth.container.RunArguments).
 *
 * @param image      the image reference to run (`image:`), or, with `build:`, the tag Berth builds
 * @param build      how to build the image, or null when it is pulled or already present
 * @param engine     "docker" or "podman", or null for whichever the host has
 * @param port       the port the app listens on inside the container, or null when it has none
 * @param command    replaces the image's CMD when not empty
 * @param volumes    named volumes and bind mounts
 * @param memory     the container's memory limit in bytes, or null for none
 * @param cpus       its CPU limit in cores, or null for none
 * @param user       user[:group] to run as, or null for the image's
 * @param readOnly   the root filesystem is mounted read-only
 * @param capDrop    capabilities dropped (ALL for every one)
 * @param capAdd     capabilities added back
 * @param gpus       the GPUs passed in, or null for none
 * @param init       run a tiny init as PID 1 (signals reach the app, zombies are reaped)
 * @param engineArgs extra arguments of `run`, placed before the image: the escape hatch
 * @param healthcheck the health check the engine runs, or null for the image's own HEALTHCHECK
 */
public record ContainerSpec(
        String image,
        Build build,
        String engine,
        Integer port,
        List<String> command,
        List<Volume> volumes,
        Long memory,
        Double cpus,
        String user,
        boolean readOnly,
        List<String> capDrop,
        List<String> capAdd,
        Gpus gpus,
        boolean init,
        List<String> engineArgs,
        Healthcheck healthcheck) {

    /**
     * `container.healthcheck`: a command line run in the container (by its shell, as HEALTHCHECK
     * CMD-SHELL is) and how often; or `none`, which turns the image's own off.
     *
     * @param test the command, or null with disabled
     */
    public record Healthcheck(String test, java.time.Duration interval, java.time.Duration timeout, Integer retries,
                              java.time.Duration startPeriod, boolean disabled) {
        public static Healthcheck off() {
            return new Healthcheck(null, null, null, null, null, true);
        }
    }

    /**
     * @param context    the build context directory, absolute
     * @param dockerfile the Dockerfile, relative to the context, or null for its Dockerfile
     * @param target     the stage of a multi-stage Dockerfile, or null for the last
     * @param args       build arguments (--build-arg NAME, values from the engine's environment)
     */
    public record Build(Path context, String dockerfile, String target, Map<String, String> args) { }

    /**
     * @param source   a volume name, or an absolute host path for a bind mount
     * @param named    source is a named volume
     * @param target   the absolute path inside the container
     * @param readOnly mounted read-only
     */
    public record Volume(String source, boolean named, String target, boolean readOnly) {
        /** The -v value: source:target[:ro]. */
        public String option() {
            return source + ":" + target + (readOnly ? ":ro" : "");
        }
    }

    /** `gpus: all`, `gpus: 2` (the first two) or `gpus: [0, 2]` (those, by index or UUID). */
    public record Gpus(boolean all, Integer count, List<String> ids) {
        public static Gpus everyOne() {
            return new Gpus(true, null, List.of());
        }
    }
}
