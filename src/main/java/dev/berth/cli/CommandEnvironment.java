package dev.berth.cli;

import dev.berth.config.InputFiles;
import dev.berth.daemon.BerthHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What commands take from their environment: BERTH_HOME, the berth.yml to use, its ${VAR} values. */
final class CommandEnvironment {
    /** Compiled on first use: most commands never need it, and every call pays for class initialisation. */
    private static final class Var {
        static final Pattern PATTERN = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    }

    private CommandEnvironment() { }

    static BerthHome home() {
        return BerthHome.fromEnvironment(System.getenv());
    }

    static DaemonClient client() {
        return new DaemonClient(home());
    }

    /** --config when given (must exist), else ./berth.yml or ./berth.yaml when present, else null. */
    static Path config(Path explicit) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) throw new CliException(ExitCodes.NOT_FOUND, explicit + ": no such file");
            return explicit.toAbsolutePath().normalize();
        }
        for (String name : new String[] {"berth.yml", "berth.yaml"}) {
            Path p = Path.of(name);
            if (Files.isRegularFile(p)) return p.toAbsolutePath().normalize();
        }
        return null;
    }

    /** The values of the variables a berth.yml refers to with ${VAR}, taken from this shell's environment. */
    static Map<String, String> referencedVariables(Path config) {
        Map<String, String> out = new LinkedHashMap<>();
        if (config == null) return out;
        try {
            // decoded leniently: a file too large or not UTF-8 is the loader's to report, at its place
            Matcher m = Var.PATTERN.matcher(new String(InputFiles.read(config), StandardCharsets.UTF_8));
            while (m.find()) {
                String v = System.getenv(m.group(1));
                if (v != null) out.put(m.group(1), v);
            }
        } catch (InputFiles.TooLarge e) {
            return out;
        } catch (IOException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot read " + config + ": " + e.getMessage());
        }
        return out;
    }

    static boolean looksLikeConfigFile(String arg) {
        return arg.endsWith(".yml") || arg.endsWith(".yaml") || (arg.contains("/") && Files.isRegularFile(Path.of(arg)));
    }
}
