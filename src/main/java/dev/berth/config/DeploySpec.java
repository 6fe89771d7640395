package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How an app is deployed (`deploy:` of an app in berth.yml): where its releases live, where a
 * release comes from, the steps that turn a fetched source into a runnable release, and the
 * health gate after the switch.
 *
 * @param path         absolute base directory: releases/&lt;id&gt;, shared/, current -&gt; releases/&lt;id&gt;
 * @param source       where a release comes from
 * @param keepReleases good releases kept (older good ones are pruned; the live one never is)
 * @param shared       entries of shared/ linked into each release; a trailing / marks a directory
 * @param steps        install, build, test, migrate: those that are set, in that order
 * @param beforeSwitch hooks run in the new release after the steps, before the switch (command lines)
 * @param afterSwitch  hooks run in the new release after the switch and restart
 * @param settle       how long the app is watched after the switch; a crash or a failed health check rolls back
 * @param health       a path GET on every instance's port must answer 200 during settle, or null
 * @param preflight    try the new release on a private port beside the running app before any instance switches
 * @param backup       the backup (of this berth.yml's backups:) taken before migrate, or null
 */
public record DeploySpec(Path path, Source source, int keepReleases, List<String> shared, List<Step> steps,
                         List<String> beforeSwitch, List<String> afterSwitch, Duration settle, String health, String backup,
                         boolean preflight) {

    /** The step names in pipeline order. */
    public static final List<String> STEP_NAMES = List.of("install", "build", "test", "migrate");

    /** Where a release comes from. */
    public sealed interface Source permits GitSource, DirSource, ArchiveSource { }

    /**
     * A git repository.
     *
     * @param repository a URL or a local path (absolute, resolved against the berth.yml directory)
     * @param branch     the branch deployed when no --ref is given, or null for the remote's default
     */
    public record GitSource(String repository, String branch) implements Source { }

    /** A local directory whose contents become the release (absolute path). */
    public record DirSource(Path dir) implements Source { }

    /** A .tar.gz, .tgz or .zip file unpacked into the release, or a .jar copied into it under its own name (absolute path). */
    public record ArchiveSource(Path file) implements Source { }

    /**
     * One step of the pipeline: a command line run with /bin/sh -c in the new release directory.
     *
     * @param name    install, build, test or migrate
     * @param run     the command line
     * @param timeout the step fails when it runs longer
     */
    public record Step(String name, String run, Duration timeout) { }
}
