package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of the house, held against the code's own import lines: a package imports only
 * from its own layer or below (and no two packages of one layer import each other in a circle),
 * and no production file grows past what one person reads in one sitting.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/berth");

    /** Lowest first. A package not listed here fails the test: give it its place. */
    private static final List<List<String>> LAYERS = List.of(
            List.of("json", "text", "files", "fault", "exec", "http", "dashboard"),
            List.of("config", "store", "access", "container"),
            List.of("supervisor", "backup", "alert"),
            List.of("deploy", "monitor", "monitor.probe", "frontdoor", "history"),
            List.of("api", "doctor"),
            List.of("daemon"),
            List.of("cli"));

    private static final int MOST_LINES = 600;
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.berth\\.([a-z.]+?)\\.[A-Z]", Pattern.MULTILINE);

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(pkg)) return i;
        return -1;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(Path file) {
        return SOURCES.relativize(file.getParent()).toString().replace('/', '.');
    }

    /** package → the other packages it imports from. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path f : sources()) {
            String from = packageOf(f);
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = IMPORT.matcher(Files.readString(f));
            while (m.find()) if (!m.group(1).equals(from)) to.add(m.group(1));
        }
        return graph;
    }

    @Test void everyPackageHasItsLayer() throws IOException {
        List<String> unplaced = imports().keySet().stream().filter(p -> layerOf(p) < 0).toList();
        assertEquals(List.of(), unplaced, "packages missing from LAYERS");
    }

    @Test void noImportRunsUpTheLayers() throws IOException {
        List<String> upward = new ArrayList<>();
        imports().forEach((from, tos) -> {
            for (String to : tos) {
                if (layerOf(to) > layerOf(from)) upward.add(from + " -> " + to);
            }
        });
        assertEquals(List.of(), upward);
    }

    @Test void noPackagesImportEachOtherInACircle() throws IOException {
        Map<String, Set<String>> graph = imports();
        List<String> circles = new ArrayList<>();
        for (String start : graph.keySet()) {
            // every package that start reaches; a circle when start is among them
            Set<String> seen = new TreeSet<>();
            List<String> todo = new ArrayList<>(graph.get(start));
            while (!todo.isEmpty()) {
                String p = todo.remove(todo.size() - 1);
                if (seen.add(p)) todo.addAll(graph.getOrDefault(p, Set.of()));
            }
            if (seen.contains(start)) circles.add(start);
        }
        assertEquals(List.of(), circles, "packages that reach themselves through their imports");
    }

    @Test void noProductionFileIsOverSixHundredLines() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path f : sources()) {
            long n;
            try (Stream<String> lines = Files.lines(f)) { n = lines.count(); }
            if (n > MOST_LINES) long_.add(SOURCES.relativize(f) + " (" + n + ")");
        }
        assertEquals(List.of(), long_);
    }

    @Test void theTestSeesTheWholeTree() throws IOException {
        assertTrue(sources().size() > 100, "run from the project's root");
        assertTrue(imports().get("api").contains("supervisor"), "import lines are read");
    }
}
