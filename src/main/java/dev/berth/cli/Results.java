package dev.berth.cli;

import java.util.List;
import java.util.Map;

/** Prints the outcome of an operation on apps and turns it into an exit code. */
final class Results {
    private Results() { }

    @SuppressWarnings("unchecked")
    static int print(Map<String, Object> response, boolean json) {
        if (json) {
            Output.json(response);
        } else {
            for (Object o : (List<Object>) response.getOrDefault("results", List.of())) {
                Map<String, Object> r = (Map<String, Object>) o;
                boolean ok = Boolean.TRUE.equals(r.get("ok"));
                Output.err((ok ? "ok     " : "FAILED ") + r.get("app") + ": " + r.get("message"));
                for (Object d : (List<Object>) r.getOrDefault("details", List.of())) Output.err("         " + d);
            }
        }
        return Boolean.TRUE.equals(response.get("ok")) ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
