package dev.berth.config;

import dev.berth.text.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The keys berth.yml allows, learned from the documented example {@code reference.yml} on the classpath:
 * the reference config is the schema, so a key cannot be accepted without being documented.
 * <p>
 * Levels are named by path, with {@code *} for a user-chosen name: {@code ""} (top), {@code apps.*},
 * {@code apps.*.ready}, {@code apps.*.logs}, {@code apps.*.logs.rotate}. Keys like {@code env_production}
 * stand for the pattern {@code env_<profile>}.
 */
final class ReferenceSchema {
    static final String RESOURCE = "reference.yml";
    static final String PROFILE_KEY = "env_<profile>";
    static final Pattern PROFILE = Pattern.compile("[a-z0-9_]+");

    /** Mappings whose keys are names the user picks (app names), not schema keys. */
    private static final Set<String> NAMED = Set.of("apps", "backups", "checks", "channels", "maintenance", "sites", "routes");
    /** Mappings whose keys are free (environment variables). */
    private static final Set<String> FREE = Set.of("env", "headers", "args", PROFILE_KEY);

    private final Map<String, Set<String>> keysByLevel;

    private ReferenceSchema(Map<String, Set<String>> keysByLevel) {
        this.keysByLevel = keysByLevel;
    }

    static ReferenceSchema load() {
        try (InputStream in = ReferenceSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath next to " + ReferenceSchema.class.getName());
            }
            Problems problems = new Problems(Path.of(RESOURCE));
            Node root = YamlSource.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Path.of(RESOURCE), problems);
            if (!(root instanceof MappingNode mapping) || !problems.isEmpty()) {
                throw new IllegalStateException("the bundled " + RESOURCE + " is broken: " + problems.sorted());
            }
            Map<String, Set<String>> levels = new LinkedHashMap<>();
            collect(mapping, "", levels, problems);
            return new ReferenceSchema(levels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(MappingNode node, String level, Map<String, Set<String>> levels, Problems problems) {
        Set<String> keys = levels.computeIfAbsent(level, l -> new LinkedHashSet<>());
        for (Map.Entry<String, NodeTuple> e : YamlSource.entries(node, level, problems).entrySet()) {
            String key = isProfileKey(e.getKey()) ? PROFILE_KEY : e.getKey();
            keys.add(key);
            Node value = e.getValue().getValueNode();
            if (FREE.contains(key) || !(value instanceof MappingNode child)) {
                continue;
            }
            String childLevel = YamlSource.join(level, key);
            if (NAMED.contains(key)) {
                for (NodeTuple named : child.getValue()) {
                    if (named.getValueNode() instanceof MappingNode entry) {
                        collect(entry, childLevel + ".*", levels, problems);
                    }
                }
            } else {
                collect(child, childLevel, levels, problems);
            }
        }
    }

    static boolean isProfileKey(String key) {
        return key.startsWith("env_") && !key.equals("env_file");
    }

    /** The documented keys of a level, in reference order ({@code env_<profile>} as such). */
    List<String> keys(String level) {
        return List.copyOf(keysByLevel.getOrDefault(level, Set.of()));
    }

    Set<String> levels() {
        return keysByLevel.keySet();
    }

    /**
     * Checks each key of a mapping against its level.
     *
     * @param path the mapping's own path for messages ("apps.web")
     */
    void checkKeys(Map<String, NodeTuple> entries, String level, String path, Problems problems) {
        Set<String> known = keysByLevel.getOrDefault(level, Set.of());
        List<String> fixed = new ArrayList<>(known);
        fixed.remove(PROFILE_KEY);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String key = e.getKey();
            if (known.contains(key)) {
                continue;
            }
            Node keyNode = e.getValue().getKeyNode();
            String field = YamlSource.join(path, key);
            String suggestion = Suggestions.didYouMean(key, fixed);
            if (known.contains(PROFILE_KEY) && isProfileKey(key) && suggestion.isEmpty()) {
                if (!PROFILE.matcher(key.substring(4)).matches()) {
                    problems.at(keyNode, field, "profile names are lowercase letters, digits and _ (env_<profile>, like env_production), got \""
                            + key + "\"");
                }
                continue;
            }
            problems.at(keyNode, field, "unknown key \"" + key + "\"" + suggestion
                    + (suggestion.isEmpty() ? "; valid keys here: " + String.join(", ", known) : ""));
        }
    }
}
