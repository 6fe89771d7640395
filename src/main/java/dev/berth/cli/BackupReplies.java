package dev.berth.cli;

import java.util.List;
import java.util.Map;

/** What the daemon answers to backup run, verify, restore and prune, as the commands print it. */
final class BackupReplies {
    private BackupReplies() { }

    /** One backup run; bytes and durationMillis are there when it was ok. */
    record Run(Long id, String name, boolean ok, String file, Long bytes, Long durationMillis, String sha256, String offsite,
               List<OffsiteRetry> offsiteRetried, String error) {
        static Run of(Reply r) {
            return new Run(r.number("id"), r.string("name"), r.flag("ok"), r.string("file"), r.number("bytes"), r.number("duration_ms"),
                    r.string("sha256"), r.string("offsite"), r.list("offsite_retried").stream()
                    .map(x -> new OffsiteRetry(x.number("id"), x.flag("ok"), x.string("error"))).toList(), r.string("error"));
        }
    }

    record OffsiteRetry(Long id, boolean ok, String error) { }

    /** The runs of one `backup run`, ok when every one was. */
    record Runs(boolean ok, List<Run> results) {
        static Runs of(Reply r) {
            return new Runs(r.flag("ok"), r.list("results").stream().map(Run::of).toList());
        }
    }

    /** What a restore drill found: a database's tables and their rows, or a directory's files and bytes. */
    record Drill(Long tables, Map<String, Object> rows, Long files, Long bytes) {
        static Drill of(Reply d) {
            Reply rows = d.object("rows");
            return new Drill(d.number("tables"), rows == null ? null : rows.fields(), d.number("files"), d.number("bytes"));
        }
    }

    record Verification(Long id, String name, boolean ok, String offsite, String checksum, Drill drill, String error) {
        static Verification of(Reply r) {
            Reply d = r.object("drill");
            return new Verification(r.number("id"), r.string("name"), r.flag("ok"), r.string("offsite"), r.string("checksum"),
                    d == null ? null : Drill.of(d), r.string("error"));
        }
    }

    /** A restore, or (before it is confirmed) what it would overwrite; safety is the backup it took first. */
    record Restore(Long id, String name, String file, String overwrites, boolean safetyBackup, Run safety, boolean ok, String error) {
        static Restore of(Reply r) {
            Reply s = r.object("safety");
            return new Restore(r.number("id"), r.string("name"), r.string("file"), r.string("overwrites"), r.flag("safety_backup"),
                    s == null ? null : Run.of(s), r.flag("ok"), r.string("error"));
        }
    }

    /** An archive a prune removed (or would remove); file is null for an off-site copy. */
    record Pruned(Long id, String name, String file, String error) {
        static List<Pruned> listOf(Reply r) {
            return r.list("removed").stream().map(m -> new Pruned(m.number("id"), m.string("name"), m.string("file"), m.string("error"))).toList();
        }
    }
}
