package dev.berth.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects the problems of one file so that all of them are reported together, in file order. */
final class Problems {
    private final Path file;
    private final List<ConfigProblem> list = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void at(Node node, String field, String message) {
        list.add(new ConfigProblem(file, line(node), column(node), field, message));
    }

    /** A problem of the whole file, not tied to a line. */
    void inFile(String field, String message) {
        list.add(new ConfigProblem(file, 0, 0, field, message));
    }

    void add(ConfigProblem problem) {
        list.add(problem);
    }

    int size() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(list);
        // the sort is stable: problems at the same place keep the order they were found in
        copy.sort(Comparator.comparing((ConfigProblem p) -> p.file().toString())
                .thenComparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return copy;
    }

    static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    static int column(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
    }

    static int line(Mark mark) {
        return mark.getLine() + 1;
    }
}
