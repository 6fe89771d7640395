package dev.berth.store;

/** An app registered with the daemon: where its config lives and whether it should run. */
public record StoredApp(String name, int position, String configPath, String envProfile, String desired,
                        String variablesJson) { }
