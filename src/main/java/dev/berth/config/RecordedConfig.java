package dev.berth.config;

import dev.berth.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A release's configuration as it was deployed: a copy of the berth.yml and of every env file
 * it read, kept under BERTH_HOME (0700; the copies 0600, since env files hold secrets), with a
 * `recorded.json` saying where they came from. Loading the copy gives the app exactly the
 * settings and env it was deployed with, which is what a rollback brings back with the code.
 */
public final class RecordedConfig {
    private static final String INFO = "recorded.json";

    /** What a recorded berth.yml needs to load as the original did. */
    public record Recorded(Path berthYml, Path original, Path baseDir, Map<Path, Path> envFileCopies, String profile,
                           Map<String, String> variables) {
        public BerthFile load(Path defaultLogDir) throws ConfigException {
            return new BerthFileLoader(variables, defaultLogDir).load(berthYml, profile, baseDir, envFileCopies);
        }
    }

    private RecordedConfig() { }

    /**
     * Copies berth.yml and the env files into dir (created; replaced when it exists) and
     * returns the copy of berth.yml.
     */
    public static Path record(Path dir, BerthFile file, String profile, Map<String, String> variables) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".new");
        deleteTree(tmp);
        Files.createDirectories(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("berth_yml", file.path().toString());
        info.put("base_dir", file.path().getParent().toString());
        info.put("profile", profile);
        info.put("variables", variables);
        Map<String, String> envCopies = new LinkedHashMap<>();
        List<Path> inputs = file.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            Path from = inputs.get(i);
            String name = i == 0 ? "berth.yml" : "env-" + i + "-" + from.getFileName();
            Path to = tmp.resolve(name);
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
            if (i > 0) envCopies.put(from.toString(), name);
        }
        info.put("env_files", envCopies);
        Path infoFile = tmp.resolve(INFO);
        Files.writeString(infoFile, Json.pretty(info) + "\n");
        Files.setPosixFilePermissions(infoFile, PosixFilePermissions.fromString("rw-------"));
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir.resolve("berth.yml");
    }

    /** The recorded configuration a berth.yml copy belongs to, or empty for an ordinary berth.yml. */
    public static Optional<Recorded> of(Path berthYml) {
        Path infoFile = berthYml.toAbsolutePath().normalize().resolveSibling(INFO);
        if (!Files.isRegularFile(infoFile)) return Optional.empty();
        try {
            Map<String, Object> info = Json.readMap(Files.readString(infoFile));
            Map<Path, Path> copies = new LinkedHashMap<>();
            if (info.get("env_files") instanceof Map<?, ?> m) {
                m.forEach((from, name) -> copies.put(Path.of(String.valueOf(from)), infoFile.resolveSibling(String.valueOf(name))));
            }
            Map<String, String> vars = new LinkedHashMap<>();
            if (info.get("variables") instanceof Map<?, ?> v) v.forEach((k, val) -> vars.put(String.valueOf(k), val == null ? null : String.valueOf(val)));
            Object profile = info.get("profile");
            return Optional.of(new Recorded(berthYml, Path.of(String.valueOf(info.get("berth_yml"))), Path.of(String.valueOf(info.get("base_dir"))), copies,
                    profile == null ? null : String.valueOf(profile), vars));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
