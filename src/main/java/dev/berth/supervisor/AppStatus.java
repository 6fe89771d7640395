package dev.berth.supervisor;

import java.util.List;

/** What `status` shows about one app. */
public record AppStatus(String name, String desired, String envProfile, String configPath, String command,
                        String cwd, List<String> logFiles, List<InstanceStatus> instances, List<String> envKeys) { }
