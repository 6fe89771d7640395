package dev.berth.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a YAML file into snakeyaml-engine's node tree. Nodes keep their start marks, which is what
 * gives every problem its line and column; values are not constructed, so types are ours to check.
 */
final class YamlSource {
    private YamlSource() { }

    /** The root node, or null when the file is missing, unreadable, empty or not valid YAML (a problem says which). */
    static Node read(Path file, Problems problems) {
        return read(file, problems, null);
    }

    /** As above; a file Berth sealed (a recorded copy) is opened with box, and is a problem without it. */
    static Node read(Path file, Problems problems, SecretBox box) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (SecretBox.isSealed(bytes)) {
                if (box == null) {
                    problems.inFile(null, "sealed by Berth (a recorded copy): only the daemon, with BERTH_HOME/secret.key, reads it");
                    return null;
                }
                bytes = box.open(bytes);
            }
            // a strict decoder: a Latin-1 file should be reported, not read with replacement characters
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            problems.inFile(null, "file not found");
            return null;
        } catch (CharacterCodingException e) {
            problems.inFile(null, "not a UTF-8 text file");
            return null;
        } catch (IOException e) {
            problems.inFile(null, "cannot read the file: " + e.getMessage());
            return null;
        }
        return parse(text, file, problems);
    }

    static Node parse(String text, Path file, Problems problems) {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setSchema(new CoreSchema()).build();
        try {
            Node root = new Compose(settings).composeString(text).orElse(null);
            if (root == null) {
                problems.inFile(null, "the file is empty");
            }
            return root;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            String message = "invalid YAML: " + e.getProblem() + context;
            problems.add(new ConfigProblem(file, mark == null ? 0 : mark.getLine() + 1,
                    mark == null ? 0 : mark.getColumn() + 1, null, message));
            return null;
        } catch (YamlEngineException e) {
            problems.inFile(null, "invalid YAML: " + e.getMessage());
            return null;
        }
    }

    /**
     * The entries of a mapping by key, in file order. Duplicate keys and keys that are not plain
     * strings are problems; the first of two duplicates is the one kept.
     */
    static Map<String, NodeTuple> entries(MappingNode node, String path, Problems problems) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || isNull(keyNode)) {
                problems.at(keyNode, path, "a key must be a plain string, got " + describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            NodeTuple first = entries.get(key);
            if (first != null) {
                problems.at(keyNode, join(path, key), "duplicate key \"" + key + "\" (first defined at line "
                        + Problems.line(first.getKeyNode()) + ")");
                continue;
            }
            entries.put(key, tuple);
        }
        return entries;
    }

    /** An explicit null ({@code key:}, {@code key: ~}, {@code key: null}), which berth.yml reads as "not set". */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.isPlain();
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }

    static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
