package dev.berth.config;

import java.nio.file.Path;

/**
 * One problem found in a berth.yml: where it is and what would be valid.
 * line and column are 1-based; 0 when the problem is not tied to a place (file missing).
 */
public record ConfigProblem(Path file, int line, int column, String field, String message) {
    @Override public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return field == null || field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
    }
}
