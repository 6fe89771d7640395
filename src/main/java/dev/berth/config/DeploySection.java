package dev.berth.config;

import static dev.berth.config.Kind.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** apps.NAME.deploy: where releases go, the source, the steps and hooks, the health gate. */
final class DeploySection extends FieldReader {
    private static final String APP_LEVEL = "apps.*";

    DeploySection(FieldReader file) {
        super(file);
    }

    DeploySpec deploy(Node node, String path, Function<String, String> lookup) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "expected a mapping (path, git or dir or archive, steps, ...), got " + YamlSource.describe(node));
            return null;
        }
        int before = problemCount();
        Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
        schema.checkKeys(f, APP_LEVEL + ".deploy", path, problems);
        String base = scalar(f, "path", path, NON_EMPTY, null, lookup);
        if (base == null && value(f, "path") == null) {
            problems.at(node, path + ".path", "expected path: the directory that holds releases/, shared/ and current");
        }
        List<String> kinds = f.keySet().stream().filter(k -> List.of("git", "dir", "archive").contains(k)).toList();
        DeploySpec.Source source = null;
        if (kinds.size() != 1) {
            problems.at(node, path, "expected exactly one source: git (a repository), dir (a directory) or archive"
                    + " (.tar.gz, .tgz, .zip or .jar)" + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
        } else {
            String kind = kinds.get(0);
            // a repository goes on git's command line
            String v = scalar(f, kind, path, kind.equals("git") ? NOT_AN_OPTION : NON_EMPTY, null, lookup);
            if (v != null) {
                v = v.strip();
                source = switch (kind) {
                    // a URL stays as it is; a local repository path is taken from the berth.yml directory
                    case "git" -> new DeploySpec.GitSource(v.contains("://") || v.contains("@") ? v : baseDir.resolve(v).normalize().toString(),
                            scalar(f, "branch", path, GIT_BRANCH, null, lookup));
                    case "dir" -> new DeploySpec.DirSource(baseDir.resolve(v).normalize());
                    default -> {
                        String lower = v.toLowerCase(Locale.ROOT);
                        if (!(lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".zip") || lower.endsWith(".jar"))) {
                            problems.at(value(f, kind), path + ".archive", "expected a .tar.gz, .tgz, .zip or .jar file, got \"" + v + "\"");
                        }
                        yield new DeploySpec.ArchiveSource(baseDir.resolve(v).normalize());
                    }
                };
            }
        }
        if (value(f, "branch") != null && !kinds.equals(List.of("git"))) {
            problems.at(f.get("branch").getKeyNode(), path + ".branch", "applies only to a git source");
        }
        int keepReleases = scalar(f, "keep_releases", path, KEEP, 5, lookup);
        List<String> shared = new ArrayList<>();
        for (String entry : commands(value(f, "shared"), path + ".shared", lookup)) {
            String e = entry.strip();
            Path rel = Path.of(e.endsWith("/") ? e.substring(0, e.length() - 1) : e).normalize();
            if (e.isEmpty() || rel.isAbsolute() || rel.startsWith("..") || rel.toString().isEmpty()) {
                problems.at(value(f, "shared"), path + ".shared", "expected paths inside the release, like .env or uploads/, got \"" + e + "\"");
            } else {
                shared.add(e.endsWith("/") ? rel + "/" : rel.toString());
            }
        }
        Duration stepTimeout = scalar(f, "step_timeout", path, DURATION, Duration.ofMinutes(10), lookup);
        List<DeploySpec.Step> steps = new ArrayList<>();
        for (String stepName : DeploySpec.STEP_NAMES) {
            DeploySpec.Step step = step(value(f, stepName), path + "." + stepName, stepName, stepTimeout, lookup);
            if (step != null) {
                steps.add(step);
            }
        }
        List<String> beforeSwitch = commands(value(f, "before_switch"), path + ".before_switch", lookup);
        List<String> afterSwitch = commands(value(f, "after_switch"), path + ".after_switch", lookup);
        Duration settle = scalar(f, "settle", path, DURATION, Duration.ofSeconds(60), lookup);
        String health = scalar(f, "health", path, NON_EMPTY, null, lookup);
        String backup = scalar(f, "backup", path, NON_EMPTY, null, lookup);
        boolean preflight = scalar(f, "preflight", path, BOOL, true, lookup);
        if (health != null && !health.startsWith("/")) {
            problems.at(value(f, "health"), path + ".health", "expected a path starting with /, like /healthz, got \"" + health + "\"");
        }
        if (problemCount() > before || base == null || source == null) {
            return null;
        }
        return new DeploySpec(baseDir.resolve(base.strip()).normalize(), source, keepReleases, List.copyOf(shared), List.copyOf(steps),
                beforeSwitch, afterSwitch, settle, health, backup == null ? null : backup.strip(), preflight);
    }

    /** A step: a command line, or a mapping of run and timeout. */
    DeploySpec.Step step(Node node, String field, String name, Duration defaultTimeout, Function<String, String> lookup) {
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode) {
            String run = text(node, field, NON_EMPTY, lookup);
            return run == null ? null : new DeploySpec.Step(name, run.strip(), defaultTimeout);
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, field, "expected a command line, or run: and timeout:, got " + YamlSource.describe(node));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(mapping, field, problems);
        schema.checkKeys(f, APP_LEVEL + ".deploy.build", field, problems); // every step has the form reference.yml shows for build
        String run = scalar(f, "run", field, NON_EMPTY, null, lookup);
        if (value(f, "run") == null) {
            problems.at(node, field + ".run", "expected run: the command line of the step");
        }
        Duration timeout = scalar(f, "timeout", field, DURATION, defaultTimeout, lookup);
        return run == null ? null : new DeploySpec.Step(name, run.strip(), timeout);
    }
}
