package dev.berth.deploy;

import java.nio.file.Path;
import java.util.Map;

/**
 * What `berth deploy` asks for, for one app.
 *
 * @param config    the berth.yml the app comes from (absolute)
 * @param profile   env profile, or null
 * @param variables ${VAR} values from the caller's environment
 * @param ref       branch, tag or commit to deploy (git), or null for the configured branch
 * @param skipTests skip the test step
 * @param skipBuild skip the build step
 * @param noBackup  take no database backup before migrate
 * @param force     deploy even when that commit is already live
 * @param quick     no new release: restart the live one and run the health gate
 * @param who       the user (and host) who asked, for the history and the lock
 */
public record DeployRequest(Path config, String profile, Map<String, String> variables, String ref, boolean skipTests,
                            boolean skipBuild, boolean noBackup, boolean force, boolean quick, String who) { }
