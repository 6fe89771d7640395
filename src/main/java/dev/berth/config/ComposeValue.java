package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A value of a Compose file as {@link ComposeImport} reads it: text (null for YAML's null), a mapping
 * (in file order) or a list, with the file and line it was written at, which every note names.
 * Merge keys ({@code <<: *default}) are applied while reading, since snakeyaml-engine (YAML 1.2) leaves
 * them to us; override files are merged over the base with {@link #mergeFile}.
 *
 * @param data      a String, a {@code Map<String, ComposeValue>}, a {@code List<ComposeValue>}, or null
 * @param file      the file's name, as the notes show it
 * @param line      1-based
 * @param directive Compose's {@code !reset} or {@code !override} tag on an override's value, else null
 */
record ComposeValue(Object data, String file, int line, String directive) {
    static final String RESET = "!reset";
    static final String OVERRIDE = "!override";
    private static final Pattern GO_DURATION = Pattern.compile("(?:\\d+(?:\\.\\d*)?(?:ns|us|µs|ms|s|m|h))+");
    private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?)(ns|us|µs|ms|s|m|h)");

    // ---- reading ------------------------------------------------------------------------------

    /**
     * The tree of a node that YamlSource composed (its size, nesting and aliases already bounded).
     * Duplicate keys, keys that are not strings and a {@code <<} that is not a mapping are problems.
     */
    static ComposeValue of(Node node, Path file, Problems problems) {
        return of(node, file.toString(), "", problems, new IdentityHashMap<>());
    }

    /**
     * @param seen the values of the nodes read so far: an alias is its anchor's node again, and shares its
     *             value (nothing changes a value once read), so that aliases cost no memory however often used
     */
    private static ComposeValue of(Node node, String file, String path, Problems problems, Map<Node, ComposeValue> seen) {
        ComposeValue known = seen.get(node);
        if (known != null) return known;
        ComposeValue value = read(node, file, path, problems, seen);
        seen.put(node, value);
        return value;
    }

    private static ComposeValue read(Node node, String file, String path, Problems problems, Map<Node, ComposeValue> seen) {
        int line = Problems.line(node);
        String tag = node.getTag().getValue();
        String directive = tag.equals(RESET) || tag.equals(OVERRIDE) ? tag : null;
        if (node instanceof SequenceNode seq) {
            List<ComposeValue> items = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                items.add(of(seq.getValue().get(i), file, path + "[" + i + "]", problems, seen));
            }
            return new ComposeValue(List.copyOf(items), file, line, directive);
        }
        if (node instanceof MappingNode m) {
            Map<String, ComposeValue> merged = new LinkedHashMap<>();
            Map<String, ComposeValue> explicit = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> e : YamlSource.entries(m, path, problems).entrySet()) {
                String key = e.getKey();
                ComposeValue v = of(e.getValue().getValueNode(), file, YamlSource.join(path, key), problems, seen);
                // an entry is where its key is: an alias's own node is where its anchor was written
                v = new ComposeValue(v.data, v.file, Problems.line(e.getValue().getKeyNode()), v.directive);
                if (key.equals("<<")) {
                    // YAML's merge key: the mappings' entries, the first one's winning, under this mapping's own
                    List<ComposeValue> sources = v.data instanceof List<?> ? v.list() : List.of(v);
                    for (ComposeValue s : sources) {
                        if (!s.isMap()) {
                            problems.at(e.getValue().getValueNode(), YamlSource.join(path, key), "<< merges a mapping (<<: *name) or a list of them, got "
                                    + YamlSource.describe(e.getValue().getValueNode()));
                            continue;
                        }
                        s.map().forEach(merged::putIfAbsent);
                    }
                } else {
                    explicit.put(key, v);
                }
            }
            merged.putAll(explicit);
            return new ComposeValue(Collections.unmodifiableMap(merged), file, line, directive);
        }
        String text = YamlSource.isNull(node) ? null : ((ScalarNode) node).getValue();
        return new ComposeValue(text, file, line, directive);
    }

    // ---- looking at it --------------------------------------------------------------------------

    boolean isMap() {
        return data instanceof Map<?, ?>;
    }

    boolean isList() {
        return data instanceof List<?>;
    }

    boolean isText() {
        return data instanceof String;
    }

    @SuppressWarnings("unchecked")
    Map<String, ComposeValue> map() {
        return isMap() ? (Map<String, ComposeValue>) data : Map.of();
    }

    @SuppressWarnings("unchecked")
    List<ComposeValue> list() {
        return isList() ? (List<ComposeValue>) data : List.of();
    }

    /** The text, or null for null, a mapping or a list. */
    String text() {
        return isText() ? (String) data : null;
    }

    ComposeValue get(String key) {
        return map().get(key);
    }

    /** "docker-compose.yml:12", the place a note names. */
    String at() {
        return Path.of(file).getFileName() + ":" + line;
    }

    /** "/srv/app/docker-compose.yml:12", the place an error names. */
    String where() {
        return file + ":" + line;
    }

    /** A note about this value: "docker-compose.yml:12: services.web.networks: not mapped (...)". */
    String note(String field, String message) {
        return at() + ": " + field + ": " + message;
    }

    /** A short picture of the value for a note: its text, or what kind of value it is. */
    String shown() {
        if (isMap()) return "a mapping";
        if (isList()) return "a list";
        if (data == null) return "nothing";
        String s = text();
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
    }

    // ---- override files ---------------------------------------------------------------------------

    /**
     * An override file over the base, as `docker compose -f base -f override` merges them, kept simple:
     * mappings merge key by key and scalars and lists replace, except in a service, where environment,
     * labels and depends_on merge by name (the list form becomes a mapping), and volumes and ports by the
     * path or port inside the container (an override's entry replaces the base's with the same one, in
     * its place; new ones are appended). A value tagged !reset removes the key; !override replaces it whole.
     */
    static ComposeValue mergeFile(ComposeValue base, ComposeValue over) {
        return mergeMaps(base, over, (key, b, o) -> key.equals("services") && b.isMap() && o.isMap()
                ? mergeMaps(b, o, (name, bs, os) -> bs.isMap() && os.isMap() ? mergeService(bs, os) : merge(bs, os))
                : merge(b, o));
    }

    private interface Merger {
        ComposeValue apply(String key, ComposeValue base, ComposeValue over);
    }

    private static ComposeValue mergeService(ComposeValue base, ComposeValue over) {
        return mergeMaps(base, over, (key, b, o) -> switch (key) {
            case "environment", "labels", "depends_on" -> merge(byName(b), byName(o));
            case "volumes" -> mergeKeyed(b, o, ComposeValue::volumeTarget);
            case "ports" -> mergeKeyed(b, o, ComposeValue::portTarget);
            default -> merge(b, o);
        });
    }

    private static ComposeValue merge(ComposeValue base, ComposeValue over) {
        if (RESET.equals(over.directive)) return null;
        if (OVERRIDE.equals(over.directive)) return over;
        return base.isMap() && over.isMap() ? mergeMaps(base, over, (k, b, o) -> merge(b, o)) : over;
    }

    private static ComposeValue mergeMaps(ComposeValue base, ComposeValue over, Merger merger) {
        if (RESET.equals(over.directive)) return null;
        if (OVERRIDE.equals(over.directive) || !base.isMap() || !over.isMap()) return over;
        Map<String, ComposeValue> out = new LinkedHashMap<>(base.map());
        for (Map.Entry<String, ComposeValue> e : over.map().entrySet()) {
            ComposeValue b = out.get(e.getKey());
            ComposeValue merged = b == null ? (RESET.equals(e.getValue().directive) ? null : e.getValue()) : merger.apply(e.getKey(), b, e.getValue());
            if (merged == null) {
                out.remove(e.getKey());
            } else {
                out.put(e.getKey(), merged);
            }
        }
        return new ComposeValue(out, base.file, base.line, null);
    }

    /** A list's items by key, an override's replacing the base's of the same key. */
    private static ComposeValue mergeKeyed(ComposeValue base, ComposeValue over, Function<ComposeValue, String> key) {
        if (RESET.equals(over.directive)) return null;
        if (OVERRIDE.equals(over.directive) || !base.isList() || !over.isList()) return over;
        Map<String, ComposeValue> items = new LinkedHashMap<>();
        int unkeyed = 0;
        for (ComposeValue v : base.list()) items.put(keyOr(key.apply(v), unkeyed++), v);
        for (ComposeValue v : over.list()) items.put(keyOr(key.apply(v), unkeyed++), v);
        return new ComposeValue(new ArrayList<>(items.values()), base.file, base.line, null);
    }

    private static String keyOr(String key, int n) {
        return key == null ? "\0" + n : key;
    }

    /** environment, labels or depends_on as a mapping: "K=V" and "K" items of the list form become K: V and K: null. */
    static ComposeValue byName(ComposeValue v) {
        if (!v.isList()) return v;
        Map<String, ComposeValue> out = new LinkedHashMap<>();
        for (ComposeValue item : v.list()) {
            String s = item.text();
            if (s == null) continue;
            int eq = s.indexOf('=');
            out.put(eq < 0 ? s : s.substring(0, eq), new ComposeValue(eq < 0 ? null : s.substring(eq + 1), item.file, item.line, null));
        }
        return new ComposeValue(out, v.file, v.line, v.directive);
    }

    /** The path inside the container of a volume entry: "src:/path[:ro]", "/path", or {target: /path}. */
    static String volumeTarget(ComposeValue v) {
        if (v.isMap()) return v.get("target") == null ? null : v.get("target").text();
        if (v.text() == null) return null;
        List<String> parts = splitColons(v.text());
        return parts.size() == 1 ? parts.get(0) : parts.get(1);
    }

    /** The container port (and protocol) of a port entry: "[ip:][host:]port[/proto]", a number, or {target: port}. */
    static String portTarget(ComposeValue v) {
        String target;
        String protocol = "tcp";
        if (v.isMap()) {
            target = v.get("target") == null ? null : v.get("target").text();
            if (v.get("protocol") != null && v.get("protocol").text() != null) protocol = v.get("protocol").text();
        } else if (v.text() != null) {
            List<String> parts = splitColons(v.text());
            target = parts.get(parts.size() - 1);
            int slash = target.indexOf('/');
            if (slash >= 0) {
                protocol = target.substring(slash + 1);
                target = target.substring(0, slash);
            }
        } else {
            return null;
        }
        return target == null ? null : target + "/" + protocol;
    }

    /** Splits on ':' outside ${...} and [...], so "${PORT:-3000}:3000" and "[::1]:80:80" are read right. */
    static List<String> splitColons(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ':' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    // ---- Compose's own syntaxes ---------------------------------------------------------------------

    /**
     * A command written as one string, split into words as Compose does (like a shell, without
     * expanding anything): quotes group, a backslash escapes. Null when a quote is never closed.
     */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else w.append(c);
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                    w.append(s.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) return null;
        if (inWord) out.add(w.toString());
        return out;
    }

    /** A Compose duration (Go's syntax: "1m30s", "1.5s", "500ms"), to the millisecond. */
    static Duration duration(String s) {
        String t = s == null ? "" : s.strip();
        if (t.equals("0")) return Duration.ZERO;
        if (!GO_DURATION.matcher(t).matches()) {
            throw new IllegalArgumentException("expected a duration like 10s, 1m30s or 500ms, got \"" + t + "\"");
        }
        double ms = 0;
        Matcher m = GO_PART.matcher(t);
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            ms += n * switch (m.group(2)) {
                case "ns" -> 1e-6;
                case "us", "µs" -> 1e-3;
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
        }
        if (ms > 1e15) throw new IllegalArgumentException("duration \"" + t + "\" is too large");
        return Duration.ofMillis(Math.round(ms));
    }
}
