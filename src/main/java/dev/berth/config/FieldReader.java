package dev.berth.config;

import static dev.berth.config.Kind.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * What every section of a berth.yml is read with: the file's problems, its directory, ${VAR}, and the
 * readers of scalar fields, commands, cwd, env and env_file. Each section (apps, deploy, backups, checks,
 * alerts) is a subclass sharing one file's state.
 */
class FieldReader {
    final Problems problems;
    /** What relative paths are resolved against. */
    final Path baseDir;
    /** What ${VAR} reads first (usually the daemon's environment). */
    final Map<String, String> variables;
    final Path defaultLogDir;
    final ReferenceSchema schema;
    /** Opens sealed env files (a release's recorded configuration); null when there is none. */
    final SecretBox secrets;
    /** Env files to read instead of the ones named (resolved path -&gt; the copy). */
    final Map<Path, Path> envFileCopies;
    /** Every env file read so far, shared by all sections of the file. */
    final List<Path> envFilesRead;
    /** What is left of {@link YamlSource#MAX_EXPANDED} for the file's values with ${VAR} expanded, shared likewise. */
    private final Budget budget;

    private static final class Budget {
        long left = YamlSource.MAX_EXPANDED;
        boolean spent;
    }

    FieldReader(Problems problems, Path baseDir, Map<String, String> variables, Path defaultLogDir, ReferenceSchema schema,
                SecretBox secrets, Map<Path, Path> envFileCopies) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.variables = variables;
        this.defaultLogDir = defaultLogDir;
        this.schema = schema;
        this.secrets = secrets;
        this.envFileCopies = envFileCopies;
        this.envFilesRead = new ArrayList<>();
        this.budget = new Budget();
    }

    /** A reader of another section of the same file: the same problems, directory and env files read. */
    FieldReader(FieldReader file) {
        this.problems = file.problems;
        this.baseDir = file.baseDir;
        this.variables = file.variables;
        this.defaultLogDir = file.defaultLogDir;
        this.schema = file.schema;
        this.secrets = file.secrets;
        this.envFileCopies = file.envFileCopies;
        this.envFilesRead = file.envFilesRead;
        this.budget = file.budget;
    }

    Path cwd(Node node, String field, Function<String, String> lookup) {
        if (node == null) {
            return baseDir;
        }
        String s = text(node, field, NON_EMPTY, lookup);
        if (s == null) {
            return baseDir;
        }
        Path dir = baseDir.resolve(s.strip()).normalize();
        if (!Files.exists(dir)) {
            problems.at(node, field, "directory " + dir + " does not exist (cwd is relative to the berth.yml directory)");
        } else if (!Files.isDirectory(dir)) {
            problems.at(node, field, dir + " is not a directory");
        }
        return dir;
    }

    /** env_file: one path or a list; later files override earlier ones. Interpolated from the environment only. */
    Map<String, String> envFiles(Node node, String field) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null) {
            return values;
        }
        List<Node> items = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                items.add(seq.getValue().get(i));
                fields.add(field + "[" + i + "]");
            }
        } else {
            items.add(node);
            fields.add(field);
        }
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (!(item instanceof ScalarNode) || YamlSource.isNull(item)) {
                problems.at(item, fields.get(i), "expected a path to a .env file or a list of them, got " + YamlSource.describe(item));
                continue;
            }
            String name = text(item, fields.get(i), NON_EMPTY, variables::get);
            if (name == null) {
                continue;
            }
            Path envFile = baseDir.resolve(name.strip()).normalize();
            envFile = envFileCopies.getOrDefault(envFile, envFile);
            if (!Files.isRegularFile(envFile)) {
                problems.at(item, fields.get(i), "env file " + envFile + (Files.exists(envFile) ? " is not a file" : " not found")
                        + " (env_file paths are relative to the berth.yml directory)");
                continue;
            }
            String system = systemTree(envFile);
            if (system != null) {
                // /proc/self/environ would hand the reader's own environment to the app
                problems.at(item, fields.get(i), "env file " + envFile + " is not a file on disk but the kernel's (under " + system + ")");
                continue;
            }
            envFilesRead.add(envFile);
            try {
                byte[] bytes = InputFiles.read(envFile);
                if (SecretBox.isSealed(bytes)) {
                    if (secrets == null) throw new IOException("it is sealed, and this reader has no key");
                    bytes = secrets.open(bytes);
                }
                values.putAll(Dotenv.parse(bytes, envFile));
            } catch (ConfigException e) {
                e.problems().forEach(problems::add);
            } catch (InputFiles.TooLarge e) {
                problems.at(item, fields.get(i), "env file " + envFile + " " + e.reason());
            } catch (IOException e) {
                problems.at(item, fields.get(i), "cannot read env file " + envFile + ": " + e.getMessage());
            }
        }
        return values;
    }

    /** /proc, /sys or /dev when the file is in one of them (after links), else null. */
    private static String systemTree(Path file) {
        try {
            Path real = file.toRealPath();
            for (String root : List.of("/proc", "/sys", "/dev")) {
                if (real.startsWith(root)) return root;
            }
            return null;
        } catch (IOException e) {
            return null; // read below, which says why it cannot be
        }
    }

    Map<String, String> envMap(Node node, String field, Function<String, String> lookup) {
        Map<String, String> env = new LinkedHashMap<>();
        if (node == null) {
            return env;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, field, "expected a mapping of NAME: value, got " + YamlSource.describe(node));
            return env;
        }
        for (Map.Entry<String, NodeTuple> e : YamlSource.entries(mapping, field, problems).entrySet()) {
            String key = e.getKey();
            String keyField = field + "." + key;
            if (!BerthFileLoader.ENV_NAME.matcher(key).matches()) {
                problems.at(e.getValue().getKeyNode(), keyField,
                        "environment variable names are letters, digits and _, not starting with a digit");
            }
            Node v = e.getValue().getValueNode();
            if (YamlSource.isNull(v)) {
                env.put(key, "");
            } else if (v instanceof ScalarNode) {
                String s = text(v, keyField, TEXT, lookup);
                if (s != null) {
                    env.put(key, s);
                }
            } else {
                problems.at(v, keyField, "expected a string, number or boolean, got " + YamlSource.describe(v));
            }
        }
        return env;
    }

    /** headers: a mapping of any header names (not only environment variable names) to strings. */
    Map<String, String> envMapAny(Node node, String field, Function<String, String> lookup) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) return out;
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, field, "expected a mapping of Name: value, got " + YamlSource.describe(node));
            return out;
        }
        for (Map.Entry<String, NodeTuple> e : YamlSource.entries(mapping, field, problems).entrySet()) {
            String v = text(e.getValue().getValueNode(), field + "." + e.getKey(), TEXT, lookup);
            if (v != null) out.put(e.getKey(), v);
        }
        return out;
    }

    /** One command line or a list of them (hooks, shared entries). */
    List<String> commands(Node node, String field, Function<String, String> lookup) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return List.of();
        }
        if (node instanceof ScalarNode) {
            String s = text(node, field, NON_EMPTY, lookup);
            if (s != null) {
                out.add(s.strip());
            }
            return List.copyOf(out);
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.at(node, field, "expected a string or a list of strings, got " + YamlSource.describe(node));
            return List.of();
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            String s = text(seq.getValue().get(i), field + "[" + i + "]", NON_EMPTY, lookup);
            if (s != null) {
                out.add(s.strip());
            }
        }
        return List.copyOf(out);
    }

    /** A list of strings, or one string split on whitespace (args, a container's command). */
    List<String> args(Node node, String field, Function<String, String> lookup) {
        List<String> args = new ArrayList<>();
        if (node == null) {
            return args;
        }
        if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String s = YamlSource.isNull(item) ? null : text(item, field + "[" + i + "]", TEXT, lookup);
                if (s != null) {
                    args.add(s);
                } else if (YamlSource.isNull(item)) {
                    problems.at(item, field + "[" + i + "]", "expected a string, got nothing");
                }
            }
            return args;
        }
        if (node instanceof ScalarNode) {
            String s = text(node, field, TEXT, lookup);
            if (s != null && !s.isBlank()) {
                args.addAll(Arrays.asList(s.strip().split("\\s+")));
            }
            return args;
        }
        problems.at(node, field, "expected a list of strings or one string (split on whitespace), got " + YamlSource.describe(node));
        return args;
    }

    /** The value node of a key, or null when the key is absent or has no value. */
    Node value(Map<String, NodeTuple> f, String key) {
        NodeTuple t = f.get(key);
        return t == null || YamlSource.isNull(t.getValueNode()) ? null : t.getValueNode();
    }

    /** A scalar setting, interpolated and parsed; the default when it is absent or has a problem (recorded). */
    <T> T scalar(Map<String, NodeTuple> f, String key, String path, Kind<T> kind, T dflt,
                 Function<String, String> lookup) {
        Node node = value(f, key);
        if (node == null) {
            return dflt;
        }
        T v = text(node, YamlSource.join(path, key), kind, lookup);
        return v == null ? dflt : v;
    }

    /** Interpolates and parses one scalar node; null when it has a problem (recorded). */
    <T> T text(Node node, String field, Kind<T> kind, Function<String, String> lookup) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            problems.at(node, field, kind.expected() + ", got " + YamlSource.describe(node));
            return null;
        }
        if (budget.spent) {
            return null; // said once, at the value that went over
        }
        Interpolation.Result expanded = Interpolation.expand(scalar.getValue(), lookup, budget.left);
        if (!expanded.problems().isEmpty()) {
            budget.spent = expanded.value() == null;
            expanded.problems().forEach(p -> problems.at(node, field, p));
            return null;
        }
        budget.left -= expanded.value().length();
        if (expanded.value().indexOf('\0') >= 0) {
            // "\0" in a quoted YAML string; execve ends every argument and variable at the first NUL
            problems.at(node, field, "holds a NUL character, which no command line, environment variable or path can carry");
            return null;
        }
        try {
            return kind.parse().apply(expanded.value());
        } catch (IllegalArgumentException e) {
            problems.at(node, field, e.getMessage());
            return null;
        }
    }

    int problemCount() {
        return problems.size();
    }
}
