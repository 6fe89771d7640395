package dev.berth.cli;

import dev.berth.config.ComposeImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class ImportComposeCommand implements CliCommand {
    private final Spec spec = ImportReport.outputOptions(new Spec("import-compose", "Write a berth.yml equivalent to a Docker Compose file.")
            .details("Each service becomes a container app (image or build), depends_on first and as after:;",
                    "-f files are merged over it as docker compose -f does. Literal secrets in environment move to",
                    "an env file (0600) and become ${KEY}; databases get a suggested backup (commented out); an nginx",
                    "service gives way to Berth's front door (sites:). Every key without an equivalent is listed",
                    "with its file and line. Existing files are kept unless --force.")
            .positional("COMPOSE_FILE", 1, 1, "docker-compose.yml or compose.yaml.")
            .option("-f, --file", "FILE", "An override file merged over it; repeat for more, in order."));

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        List<Path> files = new ArrayList<>();
        files.add(Path.of(args.positional(0)));
        for (String o : args.values("--file")) files.add(Path.of(o));
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new CliException(ExitCodes.NOT_FOUND, f + ": no such file");
        }
        ComposeImport.Result r = ImportReport.convert(args,
                (output, env, force) -> new ComposeImport().convert(files.get(0), files.subList(1, files.size()), output, env, force));
        ImportReport.print(args.flag("--json"), r.berthYml(), r.envFile(), r.apps(), r.secretsMoved(), r.backupsSuggested(), r.notes());
        return ExitCodes.OK;
    }
}
