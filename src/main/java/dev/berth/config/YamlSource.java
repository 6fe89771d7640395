package dev.berth.config;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingEndEvent;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceEndEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;


/**
 * Reads a YAML file into snakeyaml-engine's node tree. Nodes keep their start marks, which is what
 * gives every problem its line and column; values are not constructed, so types are ours to check.
 * <p>
 * Whatever the input, reading ends in a tree or in problems, in time and memory that grow with the
 * file's size alone: the file is at most {@link InputFiles#MAX_BYTES}, nested at most
 * {@link #MAX_NESTING} levels, its keys at most {@link #MAX_KEY} characters, and with its aliases expanded
 * at most {@link #MAX_EXPANDED} characters.
 */
final class YamlSource {
    /** Mappings and lists inside each other: reference.yml needs 5 (apps.web.logs.rotate), and SnakeYAML composes recursively. */
    static final int MAX_NESTING = 50;
    /** Aliases of mappings and lists (a shared env: block, say) in one file. */
    static final int MAX_COLLECTION_ALIASES = 50;
    /** Characters of a key (app names have at most 64). */
    static final int MAX_KEY = 256;
    /** Characters of the file with every alias expanded, and again of all its values with every ${VAR} expanded. */
    static final int MAX_EXPANDED = 8 << 20;

    private YamlSource() { }

    /** The root node, or null when the file is missing, unreadable, empty, too large or not valid YAML (a problem says which). */
    static Node read(Path file, Problems problems) {
        return read(file, problems, null);
    }

    /** As above; a file Berth sealed (a recorded copy) is opened with box, and is a problem without it. */
    static Node read(Path file, Problems problems, SecretBox box) {
        byte[] bytes;
        try {
            bytes = InputFiles.read(file);
            if (SecretBox.isSealed(bytes)) {
                if (box == null) {
                    problems.inFile(null, "sealed by Berth (a recorded copy): only the daemon, with BERTH_HOME/secret.key, reads it");
                    return null;
                }
                bytes = box.open(bytes);
            }
        } catch (NoSuchFileException e) {
            problems.inFile(null, "file not found");
            return null;
        } catch (InputFiles.TooLarge e) {
            problems.inFile(null, "the file " + e.reason());
            return null;
        } catch (IOException e) {
            problems.inFile(null, "cannot read the file: " + e.getMessage());
            return null;
        }
        try {
            return parse(InputFiles.utf8(bytes, file), file, problems);
        } catch (ConfigException e) {
            e.problems().forEach(problems::add);
            return null;
        }
    }

    static Node parse(String text, Path file, Problems problems) {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setSchema(new CoreSchema())
                .setCodePointLimit(InputFiles.MAX_BYTES)
                // one window for the whole text: with the default 1024, a long scalar is copied again on every refill
                .setBufferSize(text.length() + 1)
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES + 1) // ours, with a place, comes first
                .build();
        Limits limits = new Limits(new ParserImpl(settings, new StreamReader(settings, text)));
        try {
            Composer composer = new Composer(settings, limits);
            Node root = composer.getSingleNode().orElse(null);
            if (root == null) {
                problems.inFile(null, "the file is empty");
                return null;
            }
            return expandedSize(root, file, problems) ? root : null;
        } catch (Refused e) {
            problems.add(new ConfigProblem(file, e.mark.getLine() + 1, e.mark.getColumn() + 1, null, e.getMessage()));
            return null;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(limits.last);
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add(at(file, mark, "invalid YAML: " + e.getProblem() + context));
            return null;
        } catch (ReaderException e) {
            problems.add(atCodePoint(file, text, e.getPosition(), String.format(Locale.ROOT,
                    "invalid YAML: the character U+%04X is not allowed in YAML text", e.getCodePoint())));
            return null;
        } catch (YamlEngineException e) {
            problems.add(at(file, limits.last, "invalid YAML: " + e.getMessage()));
            return null;
        }
    }

    /** A problem at the mark, or at the start of the file for an error that has none and comes before any event. */
    private static ConfigProblem at(Path file, Mark mark, String message) {
        return mark == null ? new ConfigProblem(file, 1, 1, null, message)
                : new ConfigProblem(file, mark.getLine() + 1, mark.getColumn() + 1, null, message);
    }

    /** A problem at the index-th code point of the text. */
    private static ConfigProblem atCodePoint(Path file, String text, int index, String message) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int n = 0; n < index && i < text.length(); n++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
                line++;
                column = 1;
            } else if (c != '\r') {
                column++;
            }
        }
        return new ConfigProblem(file, line, column, null, message);
    }

    /** A limit of ours, at a place in the file. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Mark mark;

        Refused(Mark mark, String message) {
            super(message, null, false, false);
            this.mark = mark;
        }
    }

    /**
     * The parser's events on their way to the composer, which recurses once per level: too deep a nesting, or
     * too many aliases of collections, is refused at the event that goes past the limit, before the composer
     * sees it. Also remembers the last place reached, for the parser's errors that have none.
     */
    private static final class Limits implements Parser {
        private final Parser parser;
        /** Anchors of mappings and lists, as the composer will know them (a later anchor of a name replaces an earlier one). */
        private final Set<Anchor> collections = new HashSet<>();
        private int depth;
        private int collectionAliases;
        Mark last;

        Limits(Parser parser) {
            this.parser = parser;
        }

        @Override public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override public boolean hasNext() {
            return parser.hasNext();
        }

        @Override public Event next() {
            Event event = parser.next();
            Mark mark = event.getStartMark().orElse(last);
            last = mark;
            switch (event) {
                case MappingStartEvent m -> enter(m, mark);
                case SequenceStartEvent s -> enter(s, mark);
                case MappingEndEvent m -> depth--;
                case SequenceEndEvent s -> depth--;
                case ScalarEvent s -> s.getAnchor().ifPresent(collections::remove);
                case AliasEvent a -> {
                    if (collections.contains(a.getAlias()) && ++collectionAliases > MAX_COLLECTION_ALIASES) {
                        throw new Refused(mark, "more than " + MAX_COLLECTION_ALIASES + " aliases of mappings and lists");
                    }
                }
                default -> { }
            }
            return event;
        }

        private void enter(NodeEvent event, Mark mark) {
            event.getAnchor().ifPresent(collections::add);
            if (++depth > MAX_NESTING) {
                throw new Refused(mark, "nested more than " + MAX_NESTING + " levels deep (mappings and lists inside each other)");
            }
        }
    }

    /**
     * Whether the tree, with every alias expanded, has at most {@link #MAX_EXPANDED} characters (each scalar
     * counts its length, each node one more) and keys of at most {@link #MAX_KEY}; the first alias past the
     * limit, one inside its own anchor, or a longer key is a problem. Iterative, and it stops at the limit: the
     * walk costs no more than the limit.
     */
    private static boolean expandedSize(Node root, Path file, Problems problems) {
        long size = 0;
        // a node, then null once its children are done (which takes it off the path of nodes being expanded)
        Deque<Node> stack = new ArrayDeque<>();
        Set<Node> path = Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push(root);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (node == PATH_END) {
                path.remove(stack.pop());
                continue;
            }
            size += 1 + (node instanceof ScalarNode s ? s.getValue().length() : 0);
            if (size > MAX_EXPANDED) {
                problems.at(node, null, "with its aliases expanded, the file is more than " + Sizes.format(MAX_EXPANDED)
                        + " characters: aliases repeat the value here, or one around it, too often");
                return false;
            }
            if (node instanceof ScalarNode) continue;
            if (!path.add(node)) {
                problems.at(node, null, "this mapping or list holds an alias of itself, which would repeat without end");
                return false;
            }
            stack.push(node);
            stack.push(PATH_END);
            List<Node> children = new ArrayList<>();
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().length() > MAX_KEY) {
                        // every field under a key repeats it in its path
                        problems.at(k, null, "a key of " + k.getValue().length() + " characters; keys have at most " + MAX_KEY);
                        return false;
                    }
                    children.add(t.getKeyNode());
                    children.add(t.getValueNode());
                }
            } else if (node instanceof SequenceNode q) {
                children.addAll(q.getValue());
            }
            for (int i = children.size() - 1; i >= 0; i--) stack.push(children.get(i));
        }
        return true;
    }

    /** Marks, on the walk's stack, that the node below it is done. */
    private static final Node PATH_END = new ScalarNode(Tag.NULL, "", ScalarStyle.PLAIN);

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
        if (!(node instanceof ScalarNode scalar)) {
            return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        String value = scalar.getValue();
        return "\"" + (value.length() > 60 ? value.substring(0, 60) + "..." : value) + "\"";
    }

    static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
