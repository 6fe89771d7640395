package dev.berth.cli;

import dev.berth.json.Json;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Data goes to stdout, messages and progress to stderr (so `--json | jq` always works). */
final class Output {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final PrintStream ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private Output() { }

    static void out(String s) { OUT.println(s); }
    static void err(String s) { ERR.println(s); }
    static void json(Object value) { OUT.println(Json.pretty(value)); }
    static PrintStream stdout() { return OUT; }
    static PrintStream stderr() { return ERR; }

    /** Before the CLI halts: print() without a newline may still sit in the streams' encoders. */
    static void flush() {
        OUT.flush();
        ERR.flush();
    }

    /** A plain text table with columns sized to their content. */
    static String table(List<String> headers, List<List<String>> rows) {
        int[] w = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> r : all) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i) == null ? 1 : r.get(i).length());
        StringBuilder sb = new StringBuilder();
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                String cell = r.get(i) == null ? "-" : r.get(i);
                sb.append(cell);
                if (i < w.length - 1) sb.append(" ".repeat(w[i] - cell.length() + 2));
            }
            sb.append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
