package dev.berth.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Finds literal secrets in a berth.yml (`berth lint`): passwords, keys and tokens written in the file
 * instead of read with ${VAR} from the environment or an env_file. Works on any YAML, valid berth.yml
 * or not, so it also helps while a file is being written.
 */
public final class SecretLint {

    /**
     * @return one warning per suspicious value, in file order; never containing the value itself
     * @throws ConfigException when the file cannot be read or is not valid YAML
     */
    public List<LintWarning> scan(Path berthYml) throws ConfigException {
        Path file = berthYml.toAbsolutePath().normalize();
        Problems problems = new Problems(file);
        Node root = YamlSource.read(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        List<LintWarning> warnings = new ArrayList<>();
        walk(root, "", null, file, warnings, Collections.newSetFromMap(new IdentityHashMap<>()));
        return warnings;
    }

    private void walk(Node node, String path, String key, Path file, List<LintWarning> out, Set<Node> seen) {
        if (!seen.add(node)) {
            return; // an alias to a node already scanned (or a recursive one)
        }
        switch (node) {
            case MappingNode m -> {
                for (NodeTuple t : m.getValue()) {
                    String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                    walk(t.getValueNode(), YamlSource.join(path, k), k, file, out, seen);
                }
            }
            case SequenceNode s -> {
                for (int i = 0; i < s.getValue().size(); i++) {
                    walk(s.getValue().get(i), path + "[" + i + "]", null, file, out, seen);
                }
            }
            case ScalarNode s when !YamlSource.isNull(s) -> SecretDetector.inspect(key, s.getValue()).ifPresent(f -> out.add(
                    new LintWarning(file, Problems.line(s), Problems.column(s), path, message(path, key, s.getValue(), f))));
            default -> { }
        }
    }

    private static String message(String path, String key, String value, SecretDetector.Finding finding) {
        // an env entry keeps its own name; anything else gets a name from what it looks like
        boolean envEntry = key != null && BerthFileLoader.ENV_NAME.matcher(key).matches()
                && path.matches(".*\\.env(_[a-z0-9_]+)?\\." + Pattern.quote(key));
        String name = envEntry ? key : finding.suggestedName();
        return "literal secret (" + finding.reason() + ", value " + SecretDetector.preview(value)
                + "): move it out of berth.yml: put " + name + "=... in an env file referenced by env_file: and write ${"
                + name + "} here";
    }
}
