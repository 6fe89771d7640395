package dev.berth.config;

import static dev.berth.config.Kind.*;

import dev.berth.config.ContainerSpec.Build;
import dev.berth.config.ContainerSpec.Gpus;
import dev.berth.config.ContainerSpec.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** A container app's `image:`, `build:` and `container:` (the rest of the app is {@link AppsSection}'s). */
final class ContainerSection extends FieldReader {
    private static final String LEVEL = "apps.*.container";

    /**
     * An image reference as engines accept one: [registry[:port]/]path[:tag][@digest]. Never
     * starting with '-' (it would be read as an option), no spaces, at most 255 characters.
     */
    static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,254}(@sha256:[0-9a-f]{64})?");
    private static final Pattern CAPABILITY = Pattern.compile("(CAP_)?[A-Z_]{2,32}");
    private static final Pattern GPU_ID = Pattern.compile("[0-9]{1,3}|GPU-[0-9a-fA-F-]{8,64}|MIG-[0-9a-zA-Z/-]{8,80}");
    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?");
    static final Kind<String> IMAGE_REF = new Kind<>("expected an image reference like registry.example.com/team/api:1.4 or localhost/api:latest", s -> {
        String v = s.strip();
        if (!IMAGE.matcher(v).matches()) throw invalid("expected an image reference like registry.example.com/team/api:1.4 or localhost/api:latest", s);
        return v;
    });
    static final Kind<String> ENGINE = new Kind<>("expected docker or podman", s -> switch (s.strip()) {
        case "docker", "podman" -> s.strip();
        default -> throw invalid("expected docker or podman", s);
    });
    static final Kind<Double> CPUS = new Kind<>("expected a number of CPU cores > 0, like 0.5 or 2", s -> {
        try {
            double d = Double.parseDouble(s.strip());
            if (!(d > 0) || d > 4096) throw invalid("expected a number of CPU cores > 0, like 0.5 or 2", s);
            return d;
        } catch (NumberFormatException e) {
            throw invalid("expected a number of CPU cores > 0, like 0.5 or 2", s);
        }
    });

    ContainerSection(FieldReader file) {
        super(file);
    }

    /**
     * The container of an app, or null when it is a process app (no image and no build). Its
     * problems are recorded; the caller has checked that run and script are absent.
     */
    ContainerSpec container(String app, Map<String, NodeTuple> f, String path, Function<String, String> lookup) {
        Node imageNode = value(f, "image");
        Node buildNode = value(f, "build");
        Node containerNode = value(f, "container");
        if (imageNode == null && buildNode == null) {
            if (containerNode != null) {
                problems.at(f.get("container").getKeyNode(), path + ".container", "applies only to a container app: add image: (an image to run) or build: (a Dockerfile to build)");
            }
            return null;
        }
        String image = imageNode == null ? null : text(imageNode, path + ".image", IMAGE_REF, lookup);
        Build build = buildNode == null ? null : build(buildNode, path + ".build", lookup);
        if (image == null && build != null) image = "localhost/berth-" + app + ":latest"; // the tag Berth builds

        Map<String, NodeTuple> c = Map.of();
        if (containerNode instanceof MappingNode m) {
            c = YamlSource.entries(m, path + ".container", problems);
            schema.checkKeys(c, LEVEL, path + ".container", problems);
        } else if (containerNode != null) {
            problems.at(containerNode, path + ".container", "expected a mapping (port, volumes, memory, cpus, ...), got " + YamlSource.describe(containerNode));
        }
        String cpath = path + ".container";
        String engine = scalar(c, "engine", cpath, ENGINE, null, lookup);
        Integer port = scalar(c, "port", cpath, PORT, null, lookup);
        List<String> command = args(value(c, "command"), cpath + ".command", lookup);
        List<Volume> volumes = volumes(value(c, "volumes"), cpath + ".volumes", lookup);
        Long memory = scalar(c, "memory", cpath, SIZE, null, lookup);
        if (memory != null && memory < 6L << 20) {
            problems.at(value(c, "memory"), cpath + ".memory", "engines refuse a memory limit under 6M; got " + memory + " bytes");
        }
        Double cpus = scalar(c, "cpus", cpath, CPUS, null, lookup);
        String user = scalar(c, "user", cpath, NON_EMPTY, null, lookup);
        if (user != null && !USER.matcher(user.strip()).matches()) {
            problems.at(value(c, "user"), cpath + ".user", "expected a user or uid, optionally :group or :gid (like 1000:1000 or app), got \"" + user + "\"");
        }
        boolean readOnly = scalar(c, "read_only", cpath, BOOL, false, lookup);
        List<String> capDrop = capabilities(value(c, "cap_drop"), cpath + ".cap_drop", lookup);
        List<String> capAdd = capabilities(value(c, "cap_add"), cpath + ".cap_add", lookup);
        Gpus gpus = gpus(value(c, "gpus"), cpath + ".gpus", lookup);
        boolean init = scalar(c, "init", cpath, BOOL, false, lookup);
        List<String> engineArgs = engineArgs(value(c, "engine_args"), cpath + ".engine_args", lookup);
        ContainerSpec.Healthcheck healthcheck = healthcheck(value(c, "healthcheck"), cpath + ".healthcheck", lookup);
        return new ContainerSpec(image, build, engine, port, List.copyOf(command), volumes, memory, cpus, user == null ? null : user.strip(),
                readOnly, capDrop, capAdd, gpus, init, engineArgs, healthcheck);
    }

    /** `healthcheck: none`, or {test, interval, timeout, retries, start_period}. */
    private ContainerSpec.Healthcheck healthcheck(Node node, String path, Function<String, String> lookup) {
        if (node == null) return null;
        if (node instanceof ScalarNode) {
            String v = text(node, path, NON_EMPTY, lookup);
            if (v != null && v.strip().equals("none")) return ContainerSpec.Healthcheck.off();
            if (v != null) problems.at(node, path, "expected none (the image's HEALTHCHECK off) or a mapping (test, interval, timeout, retries, start_period), got \"" + v + "\"");
            return null;
        }
        if (!(node instanceof MappingNode m)) {
            problems.at(node, path, "expected none or a mapping (test, interval, timeout, retries, start_period), got " + YamlSource.describe(node));
            return null;
        }
        Map<String, NodeTuple> h = YamlSource.entries(m, path, problems);
        schema.checkKeys(h, LEVEL + ".healthcheck", path, problems);
        String test = scalar(h, "test", path, NON_EMPTY, null, lookup);
        if (test == null && value(h, "test") == null) problems.at(node, path + ".test", "is required: the command the container runs to check itself, like curl -fs http://localhost:8080/healthz");
        return new ContainerSpec.Healthcheck(test == null ? null : test.strip(), scalar(h, "interval", path, INTERVAL, null, lookup),
                scalar(h, "timeout", path, INTERVAL, null, lookup), scalar(h, "retries", path, KEEP, null, lookup),
                scalar(h, "start_period", path, DURATION, null, lookup), false);
    }

    /** `build: dir` or `build: {context, dockerfile, target, args}`. */
    private Build build(Node node, String path, Function<String, String> lookup) {
        if (node instanceof ScalarNode) {
            Path context = context(node, path, lookup);
            if (context != null) hasDockerfile(node, path, context);
            return context == null ? null : new Build(context, null, null, Map.of());
        }
        if (!(node instanceof MappingNode m)) {
            problems.at(node, path, "expected a directory (the build context) or a mapping (context, dockerfile, target, args), got " + YamlSource.describe(node));
            return null;
        }
        Map<String, NodeTuple> b = YamlSource.entries(m, path, problems);
        schema.checkKeys(b, "apps.*.build", path, problems);
        Node contextNode = value(b, "context");
        Path context = contextNode == null ? baseDir : context(contextNode, path + ".context", lookup);
        String dockerfile = scalar(b, "dockerfile", path, NON_EMPTY, null, lookup);
        if (dockerfile != null && context != null) {
            Path file = context.resolve(dockerfile.strip()).normalize();
            if (!file.startsWith(context)) {
                problems.at(value(b, "dockerfile"), path + ".dockerfile", "must be inside the build context " + context + ", got \"" + dockerfile + "\"");
            } else if (!Files.isRegularFile(file)) {
                problems.at(value(b, "dockerfile"), path + ".dockerfile", file + " does not exist (dockerfile is relative to the context)");
            }
        } else if (context != null) {
            hasDockerfile(node, path, context);
        }
        String target = scalar(b, "target", path, NON_EMPTY, null, lookup);
        Map<String, String> args = envMap(value(b, "args"), path + ".args", lookup);
        return context == null ? null : new Build(context, dockerfile == null ? null : dockerfile.strip(), target == null ? null : target.strip(), Map.copyOf(args));
    }

    private void hasDockerfile(Node node, String path, Path context) {
        if (!Files.isRegularFile(context.resolve("Dockerfile")) && !Files.isRegularFile(context.resolve("Containerfile"))) {
            problems.at(node, path, "the build context " + context + " has no Dockerfile or Containerfile: add one or set dockerfile:");
        }
    }

    private Path context(Node node, String field, Function<String, String> lookup) {
        String s = text(node, field, NON_EMPTY, lookup);
        if (s == null) return null;
        Path dir = baseDir.resolve(s.strip()).normalize();
        if (!Files.isDirectory(dir)) {
            problems.at(node, field, "directory " + dir + " does not exist (the build context is relative to the berth.yml directory)");
            return null;
        }
        return dir;
    }

    /** "name:/path", "./dir:/path", "/abs:/path", each optionally ":ro" or ":rw". */
    private List<Volume> volumes(Node node, String field, Function<String, String> lookup) {
        List<Volume> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : items(node, field).entrySet()) {
            String v = text(e.getValue(), e.getKey(), NON_EMPTY, lookup);
            if (v == null) continue;
            String[] parts = v.strip().split(":", -1);
            boolean ro = false;
            if (parts.length == 3 && (parts[2].equals("ro") || parts[2].equals("rw"))) {
                ro = parts[2].equals("ro");
            } else if (parts.length != 2) {
                problems.at(e.getValue(), e.getKey(), "expected SOURCE:/path/in/container[:ro] (SOURCE a volume name or a host directory), got \"" + v + "\"");
                continue;
            }
            String source = parts[0];
            String target = parts[1];
            if (!target.startsWith("/") || target.contains("..")) {
                problems.at(e.getValue(), e.getKey(), "the path in the container must be absolute, got \"" + target + "\"");
                continue;
            }
            if (VOLUME_NAME.matcher(source).matches() && !source.startsWith(".")) {
                out.add(new Volume(source, true, target, ro));
                continue;
            }
            Path host = baseDir.resolve(source).normalize();
            if (source.startsWith("~")) {
                problems.at(e.getValue(), e.getKey(), "~ is not expanded: give the host directory relative to berth.yml or absolute");
            } else if (!Files.exists(host)) {
                problems.at(e.getValue(), e.getKey(), host + " does not exist (a bind mount's source is relative to the berth.yml directory); create it, or use a volume name");
            } else {
                out.add(new Volume(host.toString(), false, target, ro));
            }
        }
        return List.copyOf(out);
    }

    private List<String> capabilities(Node node, String field, Function<String, String> lookup) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : items(node, field).entrySet()) {
            String v = text(e.getValue(), e.getKey(), NON_EMPTY, lookup);
            if (v == null) continue;
            String cap = v.strip().toUpperCase(Locale.ROOT);
            if (!CAPABILITY.matcher(cap).matches()) {
                problems.at(e.getValue(), e.getKey(), "expected a capability name like NET_BIND_SERVICE or ALL, got \"" + v + "\"");
                continue;
            }
            out.add(cap.startsWith("CAP_") ? cap.substring(4) : cap);
        }
        return List.copyOf(out);
    }

    /** gpus: all, a count, or a list of indexes or UUIDs. */
    private Gpus gpus(Node node, String field, Function<String, String> lookup) {
        if (node == null) return null;
        String expected = "expected all, a number of GPUs (like 2) or a list of GPU indexes or UUIDs (like [0, 2])";
        if (node instanceof ScalarNode) {
            String v = text(node, field, NON_EMPTY, lookup);
            if (v == null) return null;
            if (v.strip().equals("all")) return Gpus.everyOne();
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1 && n <= 64) return new Gpus(false, n, List.of());
            } catch (NumberFormatException e) {
                // said below
            }
            problems.at(node, field, expected + ", got \"" + v + "\"");
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Node> e : items(node, field).entrySet()) {
            String v = text(e.getValue(), e.getKey(), NON_EMPTY, lookup);
            if (v == null) continue;
            if (!GPU_ID.matcher(v.strip()).matches()) {
                problems.at(e.getValue(), e.getKey(), "expected a GPU index (0, 1, ...) or a UUID (GPU-...), got \"" + v + "\"");
                continue;
            }
            ids.add(v.strip());
        }
        if (ids.isEmpty()) {
            problems.at(node, field, expected + "; the list is empty (to pass no GPU, remove gpus)");
            return null;
        }
        return new Gpus(false, null, List.copyOf(ids));
    }

    private List<String> engineArgs(Node node, String field, Function<String, String> lookup) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : items(node, field).entrySet()) {
            String v = text(e.getValue(), e.getKey(), NON_EMPTY, lookup);
            if (v == null) continue;
            if (!v.startsWith("-")) {
                // a word that is not an option would be taken for the image
                problems.at(e.getValue(), e.getKey(), "expected an option of `run` (starting with -, like --shm-size=1g); give an option's value in the same item, got \"" + v + "\"");
                continue;
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    /** The items of a list, by field name; a problem (and nothing) for anything else. */
    private Map<String, Node> items(Node node, String field) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node == null) return out;
        if (!(node instanceof SequenceNode seq)) {
            problems.at(node, field, "expected a list, got " + YamlSource.describe(node));
            return out;
        }
        for (int i = 0; i < seq.getValue().size(); i++) out.put(field + "[" + i + "]", seq.getValue().get(i));
        return out;
    }
}
