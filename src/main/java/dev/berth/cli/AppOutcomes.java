package dev.berth.cli;

import java.util.List;

/** The daemon's answer to start, stop, restart, reload, delete and resurrect: one result per app. */
record AppOutcomes(boolean ok, List<Result> results) {
    record Result(String app, boolean ok, String message, List<String> details) { }

    static AppOutcomes of(Reply r) {
        return new AppOutcomes(r.flag("ok"), r.list("results").stream()
                .map(x -> new Result(x.string("app"), x.flag("ok"), x.string("message"), x.strings("details"))).toList());
    }
}
