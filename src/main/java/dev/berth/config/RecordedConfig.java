package dev.berth.config;

import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A release's configuration as it was deployed (and the last good copy of a berth.yml): a copy of
 * the berth.yml and of every env file it read, kept under BERTH_HOME (0700, files 0600), with a
 * `recorded.json` saying where they came from. All of it that can hold a secret is sealed
 * (SecretBox): the env files, the ${VAR} values, and the berth.yml too (its env: may have literal
 * values); only a loader with the key reads the copy (BerthFileLoader.withSecrets). Loading the
 * copy gives the app exactly the settings and env it was deployed with, which is what a rollback
 * brings back with the code.
 */
public final class RecordedConfig {
    private static final String INFO = "recorded.json";

    /**
     * What a recorded berth.yml needs to load as the original did.
     *
     * @param app     the app whose release this configuration was recorded for (null for a last-good copy)
     * @param release that release's id (null for a last-good copy)
     */
    public record Recorded(Path berthYml, Path original, Path baseDir, Map<Path, Path> envFileCopies, String profile,
                           Map<String, String> variables, String app, String release) {
        public BerthFile load(Path defaultLogDir, SecretBox box) throws ConfigException {
            return pin(new BerthFileLoader(variables, defaultLogDir).withSecrets(box).load(berthYml, profile, baseDir, envFileCopies));
        }

        /** The release's app runs that release's directory, not whatever `current` points at (see AppSpec.inRelease). */
        public BerthFile pin(BerthFile file) {
            if (app == null || release == null) return file;
            return file.app(app).map(a -> file.withApp(a.inRelease(release))).orElse(file);
        }
    }

    private RecordedConfig() { }

    /**
     * Copies berth.yml and the env files into dir (created; replaced when it exists) and
     * returns the copy of berth.yml.
     */
    public static Path record(Path dir, BerthFile file, String profile, Map<String, String> variables, SecretBox box) throws IOException {
        return record(dir, file, profile, variables, box, null, null);
    }

    /** As above, for release `release` of `app`: loading the copy runs that app in that release's directory. */
    public static Path record(Path dir, BerthFile file, String profile, Map<String, String> variables, SecretBox box,
                              String app, String release) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".new");
        FileTrees.delete(tmp);
        PrivateFiles.directories(tmp);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("berth_yml", file.path().toString());
        info.put("base_dir", file.path().getParent().toString());
        info.put("profile", profile);
        if (release != null) {
            info.put("app", app);
            info.put("release", release);
        }
        info.put("variables_sealed", Base64.getEncoder().encodeToString(
                box.seal(Json.write(variables).getBytes(StandardCharsets.UTF_8))));
        Map<String, String> envCopies = new LinkedHashMap<>();
        List<Path> inputs = file.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            Path from = inputs.get(i);
            String name = i == 0 ? "berth.yml" : "env-" + i + "-" + from.getFileName();
            Path to = tmp.resolve(name);
            byte[] bytes = InputFiles.read(from);
            PrivateFiles.write(to, box.seal(bytes)); // env files hold secrets, and a berth.yml may
            if (i > 0) envCopies.put(from.toString(), name);
        }
        info.put("env_files", envCopies);
        Path infoFile = tmp.resolve(INFO);
        PrivateFiles.write(infoFile, (Json.pretty(info) + "\n").getBytes(StandardCharsets.UTF_8));
        FileTrees.delete(dir);
        PrivateFiles.moveAtomically(tmp, dir);
        return dir.resolve("berth.yml");
    }

    /**
     * The recorded configuration a berth.yml copy belongs to, or empty for an ordinary berth.yml.
     * Without a box (only the original path is wanted) the variables come back empty.
     */
    /** Whether berthYml is a recorded copy (its recorded.json beside it), without reading or unsealing anything. */
    public static boolean isCopy(Path berthYml) {
        return Files.isRegularFile(berthYml.toAbsolutePath().normalize().resolveSibling(INFO));
    }

    public static Optional<Recorded> of(Path berthYml, SecretBox box) {
        if (!isCopy(berthYml)) return Optional.empty();
        Path infoFile = berthYml.toAbsolutePath().normalize().resolveSibling(INFO);
        try {
            Map<String, Object> info = Json.readMap(Files.readString(infoFile));
            Map<Path, Path> copies = new LinkedHashMap<>();
            if (info.get("env_files") instanceof Map<?, ?> m) {
                m.forEach((from, name) -> copies.put(Path.of(String.valueOf(from)), infoFile.resolveSibling(String.valueOf(name))));
            }
            Map<String, String> vars = new LinkedHashMap<>();
            if (box != null && info.get("variables_sealed") instanceof String sealed) {
                vars.putAll(Json.readStringMap(new String(box.open(Base64.getDecoder().decode(sealed)), StandardCharsets.UTF_8)));
            }
            Object profile = info.get("profile");
            return Optional.of(new Recorded(berthYml, Path.of(String.valueOf(info.get("berth_yml"))), Path.of(String.valueOf(info.get("base_dir"))), copies,
                    profile == null ? null : String.valueOf(profile), vars,
                    info.get("app") instanceof String a ? a : legacy(infoFile, 2), info.get("release") instanceof String r ? r : legacy(infoFile, 1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }


    /**
     * Copies recorded before the release was written into recorded.json: BERTH_HOME/releases/APP/RELEASE
     * is the layout (up 1: the release, up 2: the app); anything else (a last-good copy) has none.
     */
    private static String legacy(Path infoFile, int up) {
        Path dir = infoFile.getParent();
        if (dir == null || dir.getParent() == null || dir.getParent().getParent() == null) return null;
        Path root = dir.getParent().getParent();
        if (root.getFileName() == null || !root.getFileName().toString().equals("releases")) return null;
        return (up == 1 ? dir : dir.getParent()).getFileName().toString();
    }
}
