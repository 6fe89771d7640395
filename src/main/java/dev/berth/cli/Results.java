package dev.berth.cli;

import java.util.Map;

/** Prints the outcome of an operation on apps and turns it into an exit code. */
final class Results {
    private Results() { }

    static int print(Map<String, Object> response, boolean json) {
        AppOutcomes outcomes = AppOutcomes.of(Reply.of(response));
        if (json) {
            Output.json(response);
        } else {
            for (AppOutcomes.Result r : outcomes.results()) {
                Output.err((r.ok() ? "ok     " : "FAILED ") + r.app() + ": " + r.message());
                for (String d : r.details()) Output.err("         " + d);
            }
        }
        return outcomes.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
