package dev.berth.config;

import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Converts a Docker Compose file (and override files merged over it, as `docker compose -f a -f b`
 * does) into a berth.yml of container apps, one per service, in an order where every depends_on comes
 * first. Literal secrets in environment move to a 0600 env file read with ${KEY}; databases get a
 * suggested backup; an nginx service gives way to Berth's front door. Whatever has no equivalent is
 * left out with a note naming its file and line, in the result and in the berth.yml's header.
 */
public final class ComposeImport {

    /**
     * @param berthYml         the berth.yml written
     * @param envFile          the env file written, or null when no secret had to be moved
     * @param apps             apps written
     * @param secretsMoved     environment values moved to the env file
     * @param backupsSuggested databases whose backup the berth.yml suggests (commented out)
     * @param notes            what was left out or changed, each "file:line: services.NAME.key: ..."
     */
    public record Result(Path berthYml, Path envFile, int apps, int secretsMoved, int backupsSuggested, List<String> notes) { }

    /** Top-level keys with no Berth equivalent, and why. */
    private static final Map<String, String> TOP_LEVEL = Map.of(
            "version", "obsolete: Compose ignores it too",
            "name", "the project's name: Berth's apps are named after the services",
            "networks", "Berth's containers use the engine's default network",
            "secrets", "put the values in an env file (env_file:), or mount the files with container.volumes",
            "configs", "mount the files with container.volumes",
            "include", "import each included file on its own and merge the apps");

    /** Like {@link #convert(Path, List, Path, Path, boolean)} without overwriting existing files. */
    public Result convert(Path composeFile, List<Path> overrides, Path outBerthYml, Path outEnvFile) throws IOException {
        return convert(composeFile, overrides, outBerthYml, outEnvFile, false);
    }

    /**
     * @param overrides files merged over composeFile, in order; their relative paths are relative to
     *                  composeFile's directory, as in Compose
     * @param force     overwrite outBerthYml and outEnvFile when they exist
     * @throws FileAlreadyExistsException an output exists and force is false
     * @throws IllegalArgumentException a file is missing or not a Compose file, there is no service to
     *                                  convert, or depends_on goes in a circle (the message names the file and line)
     */
    public Result convert(Path composeFile, List<Path> overrides, Path outBerthYml, Path outEnvFile, boolean force) throws IOException {
        Path source = composeFile.toAbsolutePath().normalize();
        Path yml = outBerthYml.toAbsolutePath().normalize();
        Path envFile = outEnvFile.toAbsolutePath().normalize();
        ComposeValue root = read(source);
        List<Path> merged = new ArrayList<>();
        for (Path o : overrides) {
            Path file = o.toAbsolutePath().normalize();
            root = ComposeValue.mergeFile(root, read(file));
            merged.add(file);
        }
        ComposeValue services = root.get("services");
        if (services == null || services.data() == null) {
            throw new IllegalArgumentException(source + ":" + root.line() + ": no services: (expected services: with one entry per container)");
        }
        if (!services.isMap() || services.map().isEmpty()) {
            throw new IllegalArgumentException(services.where() + ": services: expected a mapping of service names to their settings, got " + services.shown());
        }

        Path projectDir = source.getParent();
        List<String> topNotes = new ArrayList<>();
        Map<String, String> volumeNames = topLevel(root, projectName(root, projectDir), topNotes);
        ComposeServiceMapping mapping = new ComposeServiceMapping(projectDir, yml.getParent(), envFile, volumeNames, services.map().keySet());
        mapping.notes.addAll(topNotes);

        Map<String, Map<String, ComposeValue>> deps = new LinkedHashMap<>();
        for (Map.Entry<String, ComposeValue> s : services.map().entrySet()) {
            deps.put(s.getKey(), dependencies(s.getKey(), s.getValue(), services.map(), mapping.notes));
        }
        List<String> order = order(services.map(), deps);
        // mapped in the file's order, so that the notes follow it; written in the order of depends_on
        Map<String, ComposeServiceMapping.Mapped> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, ComposeValue> s : services.map().entrySet()) mapped.put(s.getKey(), mapping.service(s.getKey(), s.getValue()));
        dependencyNotes(deps, mapped, mapping.notes);

        Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
        for (String name : order) {
            ComposeServiceMapping.Mapped m = mapped.get(name);
            if (m.spec() != null) apps.put(m.app(), m.spec());
        }
        if (apps.isEmpty()) {
            throw new IllegalArgumentException(services.where() + ": services: no service to convert into an app (each needs image: or build:;"
                    + " nginx is Berth's front door)" + mapping.notes.stream().map(n -> "\n  note: " + n).collect(Collectors.joining()));
        }

        // check every output before writing any: nothing is half-written
        boolean writesEnv = !mapping.secrets.isEmpty();
        for (Path out : writesEnv ? List.of(yml, envFile) : List.of(yml)) {
            if (Files.exists(out) && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "already exists; remove it, choose another output, or use --force to overwrite it");
            }
        }
        if (writesEnv) {
            StringBuilder env = new StringBuilder("# Secrets moved out of berth.yml by berth import-compose from " + source + "\n"
                    + "# Keep this file out of version control.\n");
            mapping.secrets.forEach((k, v) -> env.append(Dotenv.format(k, v)).append('\n'));
            write(envFile, env.toString(), PosixFilePermissions.fromString("rw-------"));
        }
        List<String> notes = List.copyOf(mapping.notes);
        write(yml, berthYml(source, merged, apps, notes) + mapping.backups.block(), PosixFilePermissions.fromString("rw-r--r--"));
        return new Result(yml, writesEnv ? envFile : null, apps.size(), mapping.secretCount, mapping.backups.count(), notes);
    }

    // ---- reading ------------------------------------------------------------------------------

    /** A Compose file's tree; YamlSource bounds its size, nesting and aliases. */
    private static ComposeValue read(Path file) {
        Problems problems = new Problems(file);
        Node node = YamlSource.read(file, problems);
        ComposeValue root = node == null ? null : ComposeValue.of(node, file, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.sorted().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        }
        if (!root.isMap()) {
            throw new IllegalArgumentException(root.where() + ": expected a Compose file (a mapping with services:), got " + root.shown());
        }
        return root;
    }

    /** Compose's project name: name:, else the directory's name, lowercase letters, digits, - and _. */
    private static String projectName(ComposeValue root, Path dir) {
        ComposeValue name = root.get("name");
        String raw = name != null && name.text() != null ? name.text() : dir.getFileName() == null ? "" : dir.getFileName().toString();
        return raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    }

    /**
     * Notes for the top-level keys, and the engine's name of each named volume: Compose prefixes the
     * project's name unless the volume is external or has a name: of its own.
     */
    private static Map<String, String> topLevel(ComposeValue root, String project, List<String> notes) {
        Map<String, String> names = new HashMap<>();
        for (Map.Entry<String, ComposeValue> e : root.map().entrySet()) {
            String key = e.getKey();
            ComposeValue v = e.getValue();
            if (key.equals("services")) continue;
            if (key.equals("volumes")) {
                for (Map.Entry<String, ComposeValue> vol : v.map().entrySet()) {
                    ComposeValue def = vol.getValue();
                    String real = project.isEmpty() ? vol.getKey() : project + "_" + vol.getKey();
                    boolean external = def.get("external") != null && "true".equals(def.get("external").text());
                    if (external) real = vol.getKey();
                    if (def.get("name") != null && def.get("name").text() != null) real = def.get("name").text();
                    names.put(vol.getKey(), real);
                    for (Map.Entry<String, ComposeValue> opt : def.map().entrySet()) {
                        if (!List.of("name", "external").contains(opt.getKey())) {
                            notes.add(opt.getValue().note("volumes." + vol.getKey() + "." + opt.getKey(),
                                    "not mapped (Berth's volumes are the engine's default kind, made when first mounted)"));
                        }
                    }
                }
                continue;
            }
            String why = TOP_LEVEL.get(key);
            notes.add(v.note(key, key.startsWith("x-") ? "an extension field: not mapped (the anchors in it still work)"
                    : why == null ? "not mapped" : "not mapped (" + why + ")"));
        }
        return names;
    }

    // ---- depends_on ---------------------------------------------------------------------------------

    /** The services one depends on, each with its entry ({condition: ...}, or nothing); unknown names are notes. */
    private static Map<String, ComposeValue> dependencies(String name, ComposeValue svc, Map<String, ComposeValue> services, List<String> notes) {
        Map<String, ComposeValue> out = new LinkedHashMap<>();
        ComposeValue d = svc.get("depends_on");
        if (d == null || d.data() == null) return out;
        String field = "services." + name + ".depends_on";
        if (!d.isList() && !d.isMap()) {
            notes.add(d.note(field, "expected a list or a mapping of services, got " + d.shown() + "; ignored"));
            return out;
        }
        for (Map.Entry<String, ComposeValue> e : ComposeValue.byName(d).map().entrySet()) {
            if (!services.containsKey(e.getKey())) {
                notes.add(e.getValue().note(field, "no service named " + e.getKey() + "; ignored"));
                continue;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The services in file order, except that each comes after those it depends on (Berth registers and
     * starts apps in the file's order). Depth-first with its own stack: a file may hold many services.
     *
     * @throws IllegalArgumentException depends_on goes in a circle
     */
    private static List<String> order(Map<String, ComposeValue> services, Map<String, Map<String, ComposeValue>> deps) {
        record Frame(String name, Iterator<String> next) { }
        List<String> order = new ArrayList<>();
        Map<String, Boolean> done = new HashMap<>(); // false while on the path being followed
        for (String start : services.keySet()) {
            if (done.containsKey(start)) continue;
            Deque<Frame> path = new ArrayDeque<>();
            path.push(new Frame(start, deps.get(start).keySet().iterator()));
            done.put(start, false);
            while (!path.isEmpty()) {
                Frame top = path.peek();
                if (!top.next().hasNext()) {
                    path.pop();
                    done.put(top.name(), true);
                    order.add(top.name());
                    continue;
                }
                String dep = top.next().next();
                Boolean state = done.get(dep);
                if (state == null) {
                    done.put(dep, false);
                    path.push(new Frame(dep, deps.get(dep).keySet().iterator()));
                } else if (!state) {
                    List<String> circle = new ArrayList<>();
                    for (Iterator<Frame> it = path.descendingIterator(); it.hasNext(); ) circle.add(it.next().name());
                    circle = new ArrayList<>(circle.subList(circle.indexOf(dep), circle.size()));
                    circle.add(dep);
                    ComposeValue at = services.get(top.name()).get("depends_on");
                    throw new IllegalArgumentException(at.where() + ": services." + top.name() + ".depends_on: the services depend on each other in a circle: "
                            + String.join(" -> ", circle) + " (one of them has to start first)");
                }
            }
        }
        return order;
    }

    /**
     * What depends_on's conditions become: started and healthy dependencies are the app's
     * `after:` (Berth starts it once they are ready, or up for min_uptime without ready:).
     */
    private static void dependencyNotes(Map<String, Map<String, ComposeValue>> deps, Map<String, ComposeServiceMapping.Mapped> mapped,
                                        List<String> notes) {
        for (Map.Entry<String, Map<String, ComposeValue>> s : deps.entrySet()) {
            ComposeServiceMapping.Mapped self = mapped.get(s.getKey());
            if (self.spec() == null) continue;
            List<String> after = new ArrayList<>();
            for (Map.Entry<String, ComposeValue> d : s.getValue().entrySet()) {
                ComposeServiceMapping.Mapped dep = mapped.get(d.getKey());
                ComposeValue c = d.getValue().get("condition");
                String condition = c == null ? null : c.text();
                if (dep.spec() == null) continue;
                if (condition == null || condition.equals("service_started") || condition.equals("service_healthy")) after.add(dep.app());
                if (condition == null || condition.equals("service_started")) continue;
                String field = "services." + s.getKey() + ".depends_on." + d.getKey();
                ComposeValue at = d.getValue();
                if (condition.equals("service_healthy")) {
                    if (!dep.ready()) {
                        notes.add(at.note(field, "service_healthy: " + self.app() + " has after: [" + dep.app() + "], but " + dep.app()
                                + " has no ready: check Berth could map from its healthcheck, so Berth waits only until it stayed up min_uptime;"
                                + " add ready: to " + dep.app() + " (port: true, http: /path or log: \"text\")"));
                    }
                } else if (condition.equals("service_completed_successfully")) {
                    notes.add(at.note(field, "service_completed_successfully: Berth has no step that runs to its end before an app starts;"
                            + " run " + dep.app() + " before `berth start` (it has autorestart: false if Compose did not restart it)"));
                } else {
                    notes.add(at.note(field, "condition " + condition + " is not mapped"));
                }
            }
            if (!after.isEmpty()) self.spec().put("after", after);
        }
    }

    // ---- writing ------------------------------------------------------------------------------------

    static String berthYml(Path source, List<Path> overrides, Map<String, Map<String, Object>> apps, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# berth.yml converted by berth import-compose from ").append(source);
        for (Path o : overrides) sb.append(" + ").append(o);
        sb.append('\n');
        sb.append("# Reference of every key: docs/berth-yml.md\n");
        if (!notes.isEmpty()) {
            sb.append("#\n# Notes from the conversion (review, then delete them):\n");
            for (String note : notes) {
                sb.append("#   - ").append(note.replace('\n', ' ').replace('\r', ' ')).append('\n');
            }
        }
        sb.append("\napps:\n");
        boolean first = true;
        for (Map.Entry<String, Map<String, Object>> app : apps.entrySet()) {
            if (!first) sb.append('\n');
            first = false;
            sb.append("  ").append(app.getKey()).append(":\n");
            YamlText.block(sb, app.getValue(), 4);
        }
        return sb.toString();
    }

    private static void write(Path target, String content, Set<PosixFilePermission> permissions) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        PrivateFiles.writeAtomically(target, content.getBytes(StandardCharsets.UTF_8), permissions);
    }
}
