package dev.berth.config;

import java.nio.file.Path;

/** A value in a berth.yml that probably should not be there (a literal secret). line and column are 1-based. */
public record LintWarning(Path file, int line, int column, String field, String message) {
    @Override public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return field == null || field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
    }
}
