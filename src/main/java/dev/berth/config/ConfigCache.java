package dev.berth.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loaded berth.yml files, parsed again only after an edit of the file or of an env file it
 * reads (a rotated webhook URL counts). Every lookup reads those files and compares their bytes:
 * callers always get today's config without paying for YAML when nothing changed. The daemon has
 * one, which every request, the app catalog, the deployer, the check and the backup schedulers
 * read through, so a berth.yml is parsed once until it changes. How a path is parsed depends on
 * the path alone (a release's recorded copy is unsealed and pinned by whoever asks for it), so
 * sharing cannot hand one caller another's reading.
 */
public final class ConfigCache {
    /** How to parse a file when it changed. */
    @FunctionalInterface
    public interface Parser {
        BerthFile parse() throws ConfigException;
    }

    /** inputs: the bytes of every file the parse read, null for one not read before it (see load). */
    private record Entry(String profile, Map<String, String> variables, Map<Path, byte[]> inputs, BerthFile file) {
        boolean current(String profile, Map<String, String> variables) {
            if (!Objects.equals(this.profile, profile) || !this.variables.equals(variables)) return false;
            for (Map.Entry<Path, byte[]> e : inputs.entrySet()) {
                if (e.getValue() == null || !Arrays.equals(e.getValue(), read(e.getKey()))) return false;
            }
            return true;
        }
    }

    private final Path defaultLogDir;
    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

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
     * The file as it is now, parsed by parser when it, an input of its last parse, the profile or
     * the variables changed. The inputs are read before parsing, so an edit made during the parse
     * shows as a change next time; an input the last parse did not know (a new env_file) is kept
     * as unread, which makes the next lookup parse once more with every input read first.
     */
    public BerthFile load(Path file, String profile, Map<String, String> variables, Parser parser) throws ConfigException {
        Path key = file.toAbsolutePath().normalize();
        Entry last = entries.get(key);
        if (last != null && last.current(profile, variables)) return last.file();
        Map<Path, byte[]> before = new HashMap<>();
        before.put(key, read(key));
        if (last != null) for (Path p : last.inputs().keySet()) before.put(p, read(p));
        BerthFile loaded = parser.parse();
        Map<Path, byte[]> inputs = new LinkedHashMap<>();
        for (Path p : loaded.inputs()) inputs.put(p, before.get(p.toAbsolutePath().normalize()));
        // not Map.copyOf: a variable the caller's shell did not have is kept as a null value
        entries.put(key, new Entry(profile, Collections.unmodifiableMap(new HashMap<>(variables)), inputs, loaded));
        return loaded;
    }

    /** What loaded last for this file, or null. */
    public BerthFile lastGood(Path file) {
        Entry e = entries.get(file.toAbsolutePath().normalize());
        return e == null ? null : e.file();
    }

    public void forget(Path file) {
        entries.remove(file.toAbsolutePath().normalize());
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
