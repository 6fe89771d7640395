package dev.berth.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * What a deploy would do (`berth deploy --dry-run`), as {@link Deployer#plan} finds it.
 *
 * @param liveRelease  the release `current` points at, or null before the first deploy
 * @param git          what a git source would deploy; null for a dir or archive source
 * @param beforeSwitch the before_switch hooks, in order
 * @param afterSwitch  the after_switch hooks, in order
 * @param backups      which backup is taken before migrate, or why none
 * @param preflight    how the release is tried beside the running app, or why it is not
 * @param restart      how the instances move onto the release
 * @param healthGate   what the health gate waits for
 * @param prune        the releases the deploy would prune
 */
public record DeployPlan(String app, Path path, String source, String liveRelease, GitPlan git, List<PlannedStep> steps,
                         List<String> beforeSwitch, List<String> afterSwitch, String backups, String preflight,
                         String restart, String healthGate, List<String> prune) {

    /**
     * @param ref        the branch, tag or commit asked for (or the configured branch)
     * @param commit     the commit it resolves to
     * @param liveCommit the live release's commit, or null
     * @param commits    the commits between the live one and the new one
     * @param note       why there is nothing to deploy, or null
     */
    public record GitPlan(String ref, String commit, String liveCommit, List<String> commits, String note) { }

    /** @param skipped the flag that skips the step, or null when it runs */
    public record PlannedStep(String step, String command, String timeout, String skipped) { }
}
