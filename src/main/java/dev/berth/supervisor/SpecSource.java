package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;

/** Reads an app's spec afresh from its berth.yml and env_file, so every (re)start uses today's config. */
@FunctionalInterface
public interface SpecSource {
    AppSpec load(String app) throws ConfigException;
}
