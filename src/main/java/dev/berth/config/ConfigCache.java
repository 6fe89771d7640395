package dev.berth.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's loaded berth.yml files, read again only after an edit of the file or of an env
 * file it reads (a rotated webhook URL counts). The backup scheduler and the monitor look at the
 * same files every few seconds and share one cache, so each edit is parsed once.
 */
public final class ConfigCache {
    private record Entry(Map<String, String> variables, Map<Path, byte[]> inputs, BerthFile file) { }

    private final Path defaultLogDir;
    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

    public ConfigCache(Path defaultLogDir) {
        this.defaultLogDir = defaultLogDir;
    }

    /** The file as it is now; throws when it has problems (lastGood still has what loaded before). */
    public BerthFile load(Path file, Map<String, String> variables) throws ConfigException {
        Entry last = entries.get(file);
        if (last != null && last.variables().equals(variables)
                && last.inputs().entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), read(e.getKey())))) {
            return last.file();
        }
        byte[] bytes = read(file); // read before parsing: an edit during the parse is seen next time
        BerthFile loaded = new BerthFileLoader(variables, defaultLogDir).load(file, null);
        Map<Path, byte[]> inputs = new HashMap<>();
        for (Path in : loaded.inputs()) inputs.put(in, in.equals(loaded.path()) ? bytes : read(in));
        entries.put(file, new Entry(Map.copyOf(variables), inputs, loaded));
        return loaded;
    }

    /** What loaded last for this file, or null. */
    public BerthFile lastGood(Path file) {
        Entry e = entries.get(file);
        return e == null ? null : e.file();
    }

    public void forget(Path file) {
        entries.remove(file);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
