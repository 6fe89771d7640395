package dev.berth.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's volumes: as container.volumes: named volumes and bind mounts (short and long syntax),
 * tmpfs mounts as --tmpfs options; an anonymous volume has no equivalent (Berth removes its containers).
 */
final class ComposeVolumes {
    private final ComposeServiceMapping mapping;
    private final Path projectDir;
    /** Compose's volume names (its project prefix, or a name: of its own) by the name the services use. */
    private final Map<String, String> volumeNames;
    private final Set<String> volumesNoted = new HashSet<>();

    ComposeVolumes(ComposeServiceMapping mapping, Path projectDir, Map<String, String> volumeNames) {
        this.mapping = mapping;
        this.projectDir = projectDir;
        this.volumeNames = volumeNames;
    }

    List<String> volumes(ComposeValue v, String field, List<String> engineArgs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.list().size(); i++) {
            ComposeValue item = v.list().get(i);
            String f = field + "[" + i + "]";
            String type;
            String source;
            String target;
            boolean readOnly;
            if (item.isMap()) {
                type = item.get("type") == null ? "volume" : item.get("type").text();
                source = item.get("source") == null ? null : mapping.text(item.get("source"), f + ".source");
                target = item.get("target") == null ? null : mapping.text(item.get("target"), f + ".target");
                readOnly = item.get("read_only") != null && "true".equals(item.get("read_only").text());
                if ("tmpfs".equals(type) && target != null) {
                    engineArgs.add("--tmpfs=" + target);
                    continue;
                }
            } else if (item.text() != null) {
                List<String> parts = ComposeValue.splitColons(mapping.text(item, f));
                source = parts.size() > 1 ? parts.get(0) : null;
                target = parts.size() > 1 ? parts.get(1) : parts.get(0);
                List<String> modes = parts.size() > 2 ? List.of(parts.get(2).split(",")) : List.of();
                readOnly = modes.contains("ro");
                List<String> dropped = modes.stream().filter(m -> !m.equals("ro") && !m.equals("rw")).toList();
                if (!dropped.isEmpty()) {
                    mapping.notes.add(item.note(f, "the options " + String.join(",", dropped) + " are not mapped (Berth mounts with :ro or read-write)"
                            + (dropped.contains("z") || dropped.contains("Z") ? "; on SELinux, relabel the directory with chcon -Rt container_file_t" : "")));
                }
                type = source == null ? "volume" : isPath(source) ? "bind" : "volume";
            } else {
                mapping.notes.add(item.note(f, "expected a volume, got " + item.shown() + "; not mapped"));
                continue;
            }
            if (target == null || !target.startsWith("/")) {
                mapping.notes.add(item.note(f, "expected an absolute path inside the container, got " + item.shown() + "; not mapped"));
                continue;
            }
            if (source == null || source.isEmpty()) {
                mapping.notes.add(item.note(f, "an anonymous volume (" + target + " alone) is not mapped: Berth removes the container when it ends;"
                        + " name it (NAME:" + target + ") to keep its data"));
                continue;
            }
            if (!"volume".equals(type) && !"bind".equals(type)) {
                mapping.notes.add(item.note(f, "a volume of type " + type + " is not mapped"));
                continue;
            }
            out.add(("bind".equals(type) ? bindSource(source, item, f) : namedVolume(source, item, f)) + ":" + target + (readOnly ? ":ro" : ""));
        }
        return out;
    }

    private static boolean isPath(String source) {
        return source.startsWith(".") || source.startsWith("/") || source.startsWith("~") || source.contains("/");
    }

    /** A host directory relative to the compose file, as Berth reads it: relative to the berth.yml, ./ in front. */
    private String bindSource(String source, ComposeValue item, String field) {
        if (source.contains("${")) return source;
        String expanded = source.startsWith("~/") || source.equals("~") ? System.getProperty("user.home") + source.substring(1) : source;
        Path host = projectDir.resolve(expanded).normalize();
        if (!Files.exists(host)) {
            mapping.notes.add(item.note(field, host + " does not exist here (Compose creates it, Berth does not); create it before loading the berth.yml"));
        }
        String r = mapping.relative(host);
        return r.startsWith("/") ? r : r.equals(".") ? "./" : "./" + r;
    }

    private String namedVolume(String name, ComposeValue item, String field) {
        String real = volumeNames.getOrDefault(name, name);
        if (volumesNoted.add(name) && !real.equals(name)) {
            mapping.notes.add(item.note(field, "the named volume " + name + " is " + real + " in the engine (Compose's project prefix);"
                    + " Berth mounts the volume " + name + ": write " + real + " instead to keep the data it holds"));
        }
        return name;
    }
}
