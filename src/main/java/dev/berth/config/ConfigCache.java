package dev.berth.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded berth.yml files, parsed again only after an edit of the file or of an env file it
 * reads (a rotated webhook URL counts). Every lookup reads those files and compares their bytes:
 * callers always get today's config without paying for YAML when nothing changed. The daemon has
 * one, which every request, the app catalog, the deployer, the check and the backup schedulers
 * read through, so a berth.yml is parsed once until it changes. Each profile and set of variables
 * is a reading of its own, so callers that read one file differently neither replace each
 * other's parse nor get each other's.
 */
public final class ConfigCache {
    /** How to parse a file when it changed. */
    @FunctionalInterface
    public interface Parser {
        BerthFile parse() throws ConfigException;
    }

    /**
     * One reading of a file: the same path with another profile or other variables is another
     * reading (the app catalog, a request and the check scheduler may each read it their way),
     * so callers never replace each other's parse nor get another's.
     */
    private record Key(Path file, String profile, Map<String, String> variables) { }

    /** inputs: the bytes of every file the parse read, null for one not read before it (see load). */
    private record Reading(Map<Path, byte[]> inputs, BerthFile file) {
        boolean current() {
            for (Map.Entry<Path, byte[]> e : inputs.entrySet()) {
                if (e.getValue() == null || !Arrays.equals(e.getValue(), read(e.getKey()))) return false;
            }
            return true;
        }
    }

    /** Readings kept at most: a client sending ever new variables cannot make this grow without bound. */
    private static final int MOST_READINGS = 256;

    private final Path defaultLogDir;
    /** In order of use, the least recently used first (evicted past MOST_READINGS). */
    private final Map<Key, Reading> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Key, Reading> eldest) {
            return size() > MOST_READINGS;
        }
    };

    public ConfigCache(Path defaultLogDir) {
        this.defaultLogDir = defaultLogDir;
    }

    /** The file as it is now, without a profile; throws when it has problems (lastGood still has what loaded before). */
    public BerthFile load(Path file, Map<String, String> variables) throws ConfigException {
        return load(file, null, variables);
    }

    /** The file as it is now, with a profile (null: none). */
    public BerthFile load(Path file, String profile, Map<String, String> variables) throws ConfigException {
        return load(file, profile, variables, () -> new BerthFileLoader(variables, defaultLogDir).load(file, profile));
    }

    /**
     * The file as it is now, parsed by parser when it or an input of its last parse (with this
     * profile and these variables) changed. The inputs are read before parsing, so an edit made
     * during the parse shows as a change next time; an input the last parse did not know (a new
     * env_file) is kept as unread, which makes the next lookup parse once more with every input read first.
     */
    public BerthFile load(Path file, String profile, Map<String, String> variables, Parser parser) throws ConfigException {
        Path path = file.toAbsolutePath().normalize();
        // not Map.copyOf: a variable the caller's shell did not have is kept as a null value
        Key key = new Key(path, profile, Collections.unmodifiableMap(new HashMap<>(variables)));
        Reading last = entry(key);
        if (last != null && last.current()) return last.file();
        Map<Path, byte[]> before = new HashMap<>();
        before.put(path, read(path));
        if (last != null) for (Path p : last.inputs().keySet()) before.put(p, read(p));
        BerthFile loaded = parser.parse();
        Map<Path, byte[]> inputs = new LinkedHashMap<>();
        for (Path p : loaded.inputs()) inputs.put(p, before.get(p.toAbsolutePath().normalize()));
        synchronized (entries) {
            entries.put(key, new Reading(inputs, loaded));
        }
        return loaded;
    }

    private Reading entry(Key key) {
        synchronized (entries) {
            return entries.get(key);
        }
    }

    /** What loaded last for this file with these variables (no profile), or null. */
    public BerthFile lastGood(Path file, Map<String, String> variables) {
        Reading e = entry(new Key(file.toAbsolutePath().normalize(), null, Collections.unmodifiableMap(new HashMap<>(variables))));
        return e == null ? null : e.file();
    }

    /** Forgets every reading of the file. */
    public void forget(Path file) {
        Path path = file.toAbsolutePath().normalize();
        synchronized (entries) {
            entries.keySet().removeIf(k -> k.file().equals(path));
        }
    }

    /** The bytes of p, or null when it cannot be read (never equal to what was read before). */
    private static byte[] read(Path p) {
        try {
            return InputFiles.read(p);
        } catch (IOException e) {
            return null;
        }
    }
}
