package dev.berth.cli;

import dev.berth.text.Units;
import java.io.Console;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth backup run|list`: backups of the `backups:` section of a berth.yml, taken by the daemon. */
final class BackupCommand implements CliCommand {
    private final Spec spec = new Spec("backup", "Take, check, restore and prune backups of databases and files.")
            .subcommand(new Run()).subcommand(new ListBackups()).subcommand(new Verify()).subcommand(new Restore()).subcommand(new Prune());

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        throw new IllegalStateException("backup needs a subcommand"); // Cli dispatches to the subcommands
    }

    static final class Run implements CliCommand {
        private final Spec spec = new Spec("run", "Take backups now; returns when each is on disk or has failed.")
                .details("  berth backup run maindb      one backup of ./berth.yml",
                        "  berth backup run all         every backup, in declared order",
                        "The dump streams through compression and SHA-256 into a file renamed into place when",
                        "complete. Exit 1 when a backup failed, with the dump tool's own error.")
                .positional("NAME", 1, -1, "Backup names, or all.")
                .option("-c, --config", "FILE", "The berth.yml to use (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Path config = CommandEnvironment.config(args.path("--config"));
            if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("names", args.positionals());
            body.put("variables", CommandEnvironment.referencedVariables(config));
            if (!args.flag("--json")) Output.err("backing up " + String.join(", ", args.positionals()) + " ...");
            Map<String, Object> res = CommandEnvironment.client().post("/api/v1/backups/run", body);
            BackupReplies.Runs runs = BackupReplies.Runs.of(Reply.of(res));
            if (args.flag("--json")) {
                Output.json(res);
            } else {
                for (BackupReplies.Run r : runs.results()) {
                    if (r.ok()) {
                        Output.out("ok     " + r.name() + ": " + Units.bytes(r.bytes()) + " in "
                                + Units.duration(Duration.ofMillis(r.durationMillis())) + " -> " + r.file()
                                + "\n       sha256 " + r.sha256() + (r.offsite() == null ? "" : "\n       off-site copy " + r.offsite()));
                        printRetries(r);
                    } else {
                        Output.err("FAILED " + r.name() + ": " + r.error());
                    }
                }
            }
            return runs.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** Earlier archives whose off-site upload was tried again after this run. */
    static void printRetries(BackupReplies.Run r) {
        for (BackupReplies.OffsiteRetry m : r.offsiteRetried()) {
            Output.out("       off-site copy of #" + m.id() + " (failed before): " + (m.ok() ? "uploaded now" : "still failing: " + m.error()));
        }
    }

    static final class ListBackups implements CliCommand {
        private final Spec spec = new Spec("list", "The backup catalog, newest first.")
                .positional("NAME", 0, 1, "Only this backup.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            String path = args.positionals().isEmpty() ? "/api/v1/backups"
                    : "/api/v1/backups/" + URLEncoder.encode(args.positionals().get(0), StandardCharsets.UTF_8);
            Reply answer = Reply.of(CommandEnvironment.client().get(path));
            List<Reply> list = answer.list("backups");
            List<Reply> unknown = answer.list("unknown_files");
            if (args.flag("--json")) {
                // files no row names come last, as entries without an id in state "unknown"
                List<Object> all = new ArrayList<>();
                for (Reply b : list) all.add(b.fields());
                for (Reply f : unknown) {
                    Map<String, Object> m = new LinkedHashMap<>(f.fields());
                    m.put("id", null);
                    m.put("state", "unknown");
                    all.add(m);
                }
                Output.json(all);
                return ExitCodes.OK;
            }
            if (list.isEmpty() && unknown.isEmpty()) {
                Output.out("no backups yet; `berth backup run NAME` takes one");
                return ExitCodes.OK;
            }
            if (list.isEmpty()) Output.out("no backups in the catalog");
            List<List<String>> rows = new ArrayList<>();
            for (Reply b : list) {
                rows.add(List.of(String.valueOf(b.string("id")), String.valueOf(b.string("name")), String.valueOf(b.string("kind")),
                        String.valueOf(b.string("state")), String.valueOf(b.string("trigger")),
                        Instant.ofEpochMilli(b.number("started_at_ms")).toString(),
                        b.number("bytes") == null ? "-" : Units.bytes(b.number("bytes")),
                        DeployCommand.duration(b.number("duration_ms")),
                        b.string("sha256") == null ? "-" : b.string("sha256").substring(0, 12),
                        String.valueOf(b.string("drill")), String.valueOf(b.string("offsite")),
                        b.string("file") != null ? b.string("file") : String.valueOf(b.string("error"))));
            }
            if (!rows.isEmpty()) {
                Output.out(Output.table(List.of("ID", "NAME", "KIND", "STATE", "TRIGGER", "STARTED (UTC)", "SIZE", "TOOK", "SHA256", "DRILL", "OFFSITE", "FILE / ERROR"), rows));
            }
            if (!unknown.isEmpty()) {
                List<List<String>> files = new ArrayList<>();
                for (Reply f : unknown) {
                    files.add(List.of(String.valueOf(f.string("name")), Instant.ofEpochMilli(f.number("modified_at_ms")).toString(),
                            Units.bytes(f.number("bytes")), String.valueOf(f.string("file"))));
                }
                Output.out("\narchive files that no catalog row names (not verified, restored or pruned by Berth; delete them or keep them by hand):\n"
                        + Output.table(List.of("NAME", "MODIFIED (UTC)", "SIZE", "FILE"), files));
            }
            return ExitCodes.OK;
        }
    }

    static final class Verify implements CliCommand {
        private final Spec spec = new Spec("verify", "Check an archive: its checksum, and with --restore a restore drill.")
                .details("  berth backup verify 12               archive #12 of the catalog",
                        "  berth backup verify maindb --restore  the newest good archive of maindb, restored into",
                        "                                        a scratch database that is checked and dropped",
                        "  berth backup verify 12 --offsite      its copy in the off-site bucket",
                        "An archive whose local file is gone (pruned, lost) is read from its off-site copy.",
                        "Exit 1 when the checksum differs, the archive is missing or the drill fails.")
                .positional("TARGET", 1, 1, "A catalog id, or a backup name (its newest good archive).")
                .flag("--restore", "Restore into a scratch target, count what came back, drop it.")
                .flag("--offsite", "Check the off-site copy (read from the bucket) instead of the local file.")
                .option("-c, --config", "FILE", "The berth.yml that declares the backup (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Path config = CommandEnvironment.config(args.path("--config"));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config == null ? null : config.toString());
            body.put("target", args.positional(0));
            body.put("restore", args.flag("--restore"));
            body.put("offsite", args.flag("--offsite"));
            body.put("variables", CommandEnvironment.referencedVariables(config));
            if (!args.flag("--json") && args.flag("--restore")) Output.err("restoring into a scratch target ...");
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/backups/verify", body);
            BackupReplies.Verification r = BackupReplies.Verification.of(Reply.of(answer));
            if (args.flag("--json")) {
                Output.json(answer);
            } else if (r.ok()) {
                StringBuilder sb = new StringBuilder("ok     #" + r.id() + " " + r.name() + ": checksum ok"
                        + (r.offsite() == null ? "" : " (off-site copy " + r.offsite() + ")"));
                BackupReplies.Drill d = r.drill();
                if (d != null) {
                    sb.append("; restore drill passed: ");
                    if (d.rows() != null) {
                        sb.append(d.tables()).append(" table(s)");
                        d.rows().forEach((t, n) -> sb.append("\n       ").append(t).append(": ").append(n).append(" row(s)"));
                    } else {
                        sb.append(d.files() != null ? d.files() + " file(s), " : "").append(Units.bytes(d.bytes()));
                    }
                }
                Output.out(sb.toString());
            } else {
                Output.err("FAILED #" + r.id() + " " + r.name() + ": " + (r.error() != null ? r.error() : "checksum " + r.checksum()));
            }
            return r.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static final class Restore implements CliCommand {
        private final Spec spec = new Spec("restore", "Restore an archive over its source (or --to another target).")
                .details("Says what will be overwritten and asks, unless --yes. First takes a safety backup of the",
                        "current state (unless --no-safety-backup or --to), marked safety in `backup list`: it does",
                        "not count towards keep_*, and is kept 7 days (the newest one longer). A failed restore says",
                        "which archive it is. Files and directories are restored next to the target and renamed into",
                        "place; temporary files are removed in every outcome.",
                        "An archive whose local file is gone is downloaded from its off-site copy (checked against",
                        "the catalog's SHA-256 first); --offsite downloads it even when the local file is there.")
                .positional("ID", 1, 1, "The catalog id (see `berth backup list`).")
                .option("--to", "TARGET", "Another database name, file or directory to restore into.")
                .flag("--yes", "Do not ask.")
                .flag("--no-safety-backup", "Skip the backup of the current state.")
                .flag("--offsite", "Restore from the off-site copy, not the local file.")
                .option("-c, --config", "FILE", "The berth.yml that declares the backup (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Path config = CommandEnvironment.config(args.path("--config"));
            if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("id", args.positional(0));
            body.put("to", args.value("--to"));
            body.put("no_safety_backup", args.flag("--no-safety-backup"));
            body.put("offsite", args.flag("--offsite"));
            body.put("variables", CommandEnvironment.referencedVariables(config));
            BackupReplies.Restore plan = BackupReplies.Restore.of(Reply.of(CommandEnvironment.client().post("/api/v1/backups/restore", body)));
            String question = "restore #" + plan.id() + " (" + plan.name() + ", " + plan.file() + ")\n  over " + plan.overwrites()
                    + (plan.safetyBackup() && args.value("--to") == null ? "\n  after a safety backup of it" : "");
            if (!args.flag("--yes")) {
                Console console = System.console();
                if (console == null) {
                    throw new CliException(ExitCodes.USAGE, question + "\nnot restoring: no terminal to ask on; add --yes to restore without a question");
                }
                String answer = console.readLine("%s%nContinue? [y/N] ", question);
                if (answer == null || !answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
                    Output.err("not restored");
                    return ExitCodes.FAILED;
                }
            } else if (!args.flag("--json")) {
                Output.err(question);
            }
            body.put("confirmed", true);
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/backups/restore", body);
            BackupReplies.Restore r = BackupReplies.Restore.of(Reply.of(answer));
            if (args.flag("--json")) {
                Output.json(answer);
            } else if (r.ok()) {
                Output.out("ok     restored #" + r.id() + " " + r.name() + (r.safety() != null
                        ? "\n       the safety backup #" + r.safety().id() + " (" + r.safety().file() + ") holds the state before it" : ""));
            } else {
                Output.err("FAILED restore of #" + r.id() + ": " + r.error());
            }
            return r.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static final class Prune implements CliCommand {
        private final Spec spec = new Spec("prune", "Apply each backup's retention (keep_*, max_age) now.")
                .details("Retention also runs after each good backup (not after a restore's safety backup). The newest",
                        "good archive, the newest safety archive and any archive a restore or verify is reading now",
                        "are never removed. Safety archives do not count towards keep_*; each is kept 7 days.")
                .positional("NAME", 0, -1, "Only these backups.")
                .flag("--dry-run", "Say what would be removed; remove nothing.")
                .option("-c, --config", "FILE", "The berth.yml that declares the backups (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Path config = CommandEnvironment.config(args.path("--config"));
            if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("names", args.positionals());
            body.put("dry_run", args.flag("--dry-run"));
            body.put("variables", CommandEnvironment.referencedVariables(config));
            Map<String, Object> r = CommandEnvironment.client().post("/api/v1/backups/prune", body);
            if (args.flag("--json")) {
                Output.json(r);
                return ExitCodes.OK;
            }
            List<BackupReplies.Pruned> removed = BackupReplies.Pruned.listOf(Reply.of(r));
            if (removed.isEmpty()) Output.out("nothing to prune");
            for (BackupReplies.Pruned m : removed) {
                Output.out((args.flag("--dry-run") ? "would remove #" : "removed #") + m.id() + " " + m.name() + " " + m.file()
                        + (m.error() != null ? "  (" + m.error() + ")" : ""));
            }
            return removed.stream().anyMatch(m -> m.error() != null) ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }
}
