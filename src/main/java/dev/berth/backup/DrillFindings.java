package dev.berth.backup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a restore drill found in the scratch target: tables and their row counts (a database),
 * files and bytes (a directory), or the bytes of a snapshot (Redis). What a kind does not
 * measure is null.
 */
public record DrillFindings(Integer tables, Map<String, Long> rows, Long files, Long bytes) {
    public DrillFindings {
        rows = rows == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    static DrillFindings ofTables(Map<String, Long> rows) {
        return new DrillFindings(rows.size(), rows, null, null);
    }

    static DrillFindings ofFiles(long files, long bytes) {
        return new DrillFindings(null, null, files, bytes);
    }

    static DrillFindings ofBytes(long bytes) {
        return new DrillFindings(null, null, null, bytes);
    }

    /** As the catalog and the API have always shown it: only what was measured, in this order. */
    public Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (tables != null) out.put("tables", tables);
        if (rows != null) out.put("rows", rows);
        if (files != null) out.put("files", files);
        if (bytes != null) out.put("bytes", bytes);
        return out;
    }
}
