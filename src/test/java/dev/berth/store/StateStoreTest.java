package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writes committed without waiting for fsync (an instance's state, events) survive the
 * daemon dying right after them: a separate JVM writes and halts, with no close and no shutdown
 * hook, as a kill -9 would leave it; the next opener reads every row.
 */
class StateStoreTest {
    @TempDir Path tmp;

    /** The child: writes an app, an instance and events, then halts at once. */
    public static void main(String[] args) throws Exception {
        StateStore store = new StateStore(Path.of(args[0]));
        store.upsertApp(new StoredApp("web", 0, "/srv/berth.yml", null, "running", "{}"));
        for (int i = 0; i < 50; i++) {
            store.saveInstance(new StoredInstance("web", 0, 1000L + i, 5000L + i, 1L, 3000, i, "running", "restart " + i, "{}", null));
            store.addEvent("web", 0, "started", "pid " + (1000 + i));
        }
        Runtime.getRuntime().halt(0);
    }

    @Test
    void instanceStatesAndEventsSurviveAnAbruptDeathOfTheWriter() throws Exception {
        Path db = tmp.resolve("state.db");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StateStoreTest.class.getName(), db.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(true, child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());

        try (StateStore store = new StateStore(db)) {
            List<StoredInstance> instances = store.instances("web");
            assertEquals(1, instances.size());
            assertEquals(1049L, instances.get(0).pid(), "the last state written");
            assertEquals(49, instances.get(0).restarts());
            assertEquals(50, store.events("web", 100).size(), "every event");
        }
    }

    @Test
    void fsyncIsBackOnForEverythingElseAfterARelaxedWrite() throws Exception {
        try (StateStore store = new StateStore(tmp.resolve("state.db"))) {
            store.upsertApp(new StoredApp("web", 0, "/srv/berth.yml", null, "running", "{}"));
            store.saveInstance(new StoredInstance("web", 0, 1L, 2L, 3L, null, 0, "running", null, "{}", null));
            store.addEvent("web", 0, "started", "pid 1");
            int level = store.withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
                    return rs.getInt(1);
                }
            });
            assertEquals(2, level, "synchronous=FULL (2) for the writes that are decisions");
        }
    }
}
