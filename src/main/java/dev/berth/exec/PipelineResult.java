package dev.berth.exec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a pipeline ended: each stage's exit code and stderr, and the last stage's output.
 *
 * @param output    the first bytes of the last stage's stdout (with Output.Captured), else ""
 * @param truncated whether the last stage printed more than was kept
 */
public record PipelineResult(List<Stage> stages, boolean timedOut, String output, boolean truncated, Duration took) {
    /** One stage: its program, exit code (-1 after a timeout) and the last bytes of its stderr. */
    public record Stage(String program, int exitCode, String errors) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public PipelineResult {
        stages = List.copyOf(stages);
    }

    public boolean ok() {
        return !timedOut && stages.stream().allMatch(Stage::ok);
    }

    /** The first stage that did not exit 0, in pipeline order. */
    public Optional<Stage> failed() {
        return stages.stream().filter(s -> !s.ok()).findFirst();
    }
}
