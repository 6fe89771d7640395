package dev.berth.daemon;

import dev.berth.config.SecretBox;
import dev.berth.json.Json;
import dev.berth.monitor.CheckScheduler;
import dev.berth.store.CheckRecords;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The berth.yml files the monitor watches, remembered across daemon restarts with their
 * variables sealed (they may hold secrets), and watched again at the next start.
 */
final class WatchedSources {
    private static final Logger LOG = Logger.getLogger(WatchedSources.class.getName());

    private final CheckRecords store;
    private final SecretBox secrets;

    WatchedSources(CheckRecords store, SecretBox secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    /** Told of each newly watched file (null variables: forgotten); see CheckScheduler.onWatch. */
    void remember(Path file, Map<String, String> variables) {
        try {
            if (variables == null) store.forgetSource(file.toString());
            else store.watchSource(file.toString(), secrets.seal(Json.write(variables).getBytes(StandardCharsets.UTF_8)));
        } catch (StoreException e) {
            LOG.warning("cannot remember " + file + " for monitoring: " + e.getMessage());
        }
    }

    /** Has the monitor watch again what the previous daemon watched. */
    void resume(CheckScheduler monitor) {
        try {
            for (var source : store.sources().entrySet()) {
                try {
                    monitor.watch(Path.of(source.getKey()), Json.readStringMap(new String(secrets.open(source.getValue()), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    LOG.warning("cannot open the variables of " + source.getKey() + " (was secret.key replaced?): " + e.getMessage());
                }
            }
        } catch (StoreException e) {
            LOG.warning("cannot read the watched berth.yml files: " + e.getMessage());
        }
    }
}
