package dev.berth.frontdoor;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Executables;
import dev.berth.exec.Output;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The nginx program: where it is, its version, and `nginx -t` with what it refused, traced to berth.yml. */
final class Nginx {
    private static final Pattern REFUSED_AT = Pattern.compile("\\[(?:emerg|alert|crit|error)] (?:\\d+#\\d+: )?(.*?) in (/\\S+?):(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern REFUSED = Pattern.compile("\\[(?:emerg|alert|crit)] (?:\\d+#\\d+: )?(.*)$", Pattern.MULTILINE);
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(30);

    private final Path program;

    private Nginx(Path program) {
        this.program = program;
    }

    /** Debian puts nginx in /usr/sbin, which a user's PATH often lacks. */
    static Optional<Nginx> find() {
        String path = System.getenv("PATH");
        return Executables.onPath("nginx", (path == null ? "/usr/bin:/bin" : path) + ":/usr/sbin:/usr/local/sbin").map(Nginx::new);
    }

    static String missing() {
        return "nginx is not installed: the front door runs it (Debian: apt-get install nginx; it need not run as a service)";
    }

    Path program() {
        return program;
    }

    /** "1.22.1", or why it is not known. */
    String version() {
        try {
            CommandResult r = CommandRunner.local().run(Command.of(program.toString(), "-v").withOutput(Output.capturedWithErrors(4096))
                    .withTimeout(Duration.ofSeconds(10)));
            Matcher m = Pattern.compile("nginx/(\\S+)").matcher(r.output());
            return m.find() ? m.group(1) : "unknown (" + r.output().strip() + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Checks a whole configuration file as nginx will read it.
     *
     * @param prefix   nginx's prefix (-p), or null for its compiled-in one
     * @param errorLog where nginx writes before it has read the file (-e)
     * @return null when nginx accepts it, else what it said, at the berth.yml place the line came from
     */
    String test(Path conf, Path prefix, Path errorLog, Map<Path, NginxConfig.Rendered> rendered) throws IOException {
        List<String> argv = new ArrayList<>(List.of(program.toString(), "-t", "-q"));
        if (prefix != null) argv.addAll(List.of("-p", prefix + "/"));
        if (errorLog != null) argv.addAll(List.of("-e", errorLog.toString()));
        if (conf != null) argv.addAll(List.of("-c", conf.toString()));
        CommandResult r = CommandRunner.local().run(Command.of(argv).withOutput(Output.capturedWithErrors(16 * 1024)).withTimeout(TEST_TIMEOUT));
        if (r.ok()) return null;
        return refusal(r.output() + r.errors(), rendered);
    }

    /** nginx's complaint ("nginx: [emerg] ..." or, logged, "2026/12/03 19:16:28 [emerg] 123#123: ..."), with the berth.yml place of the line it names when the line is in the file Berth rendered. */
    static String refusal(String said, Map<Path, NginxConfig.Rendered> rendered) {
        Matcher at = REFUSED_AT.matcher(said);
        if (at.find()) {
            String what = at.group(1);
            Path file = Path.of(at.group(2));
            int line = Integer.parseInt(at.group(3));
            if (rendered.containsKey(file)) {
                String origin = rendered.get(file).originOf(line);
                String generated = " (line " + line + " of the generated nginx configuration)";
                return (origin == null ? "" : origin + ": ") + "nginx refused it: " + what + generated;
            }
            return "nginx refused its configuration: " + what + " in " + file + ":" + line;
        }
        Matcher m = REFUSED.matcher(said);
        return "nginx refused its configuration: " + (m.find() ? m.group(1) : said.strip().lines().reduce((a, b) -> b).orElse("(no message)"));
    }
}
