package dev.berth.config;

import dev.berth.text.Suggestions;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Loads and validates a berth.yml into a {@link BerthFile}. Every problem in the file is collected, each
 * with its line, column and field path, and reported together in one {@link ConfigException}: a user
 * fixes a file in one pass, not one error per run. The allowed keys come from {@code reference.yml}.
 */
public final class BerthFileLoader {
    static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    static final int APP_NAME_MAX = 64;
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final List<String> SIGNALS = List.of("TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "KILL");
    /** What {@code logs.timestamp: true} means. */
    public static final String DEFAULT_TIMESTAMP = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private final Map<String, String> variables;
    private final Path defaultLogDir;
    private final SecretBox secrets;
    private final ReferenceSchema schema = ReferenceSchema.load();

    /**
     * @param variables     what ${VAR} reads first (usually the daemon's environment)
     * @param defaultLogDir log directory of apps that set no logs.dir
     */
    public BerthFileLoader(Map<String, String> variables, Path defaultLogDir) {
        this(variables, defaultLogDir, null);
    }

    private BerthFileLoader(Map<String, String> variables, Path defaultLogDir, SecretBox secrets) {
        this.variables = Map.copyOf(variables);
        this.defaultLogDir = defaultLogDir.toAbsolutePath().normalize();
        this.secrets = secrets;
    }

    /** A loader that can read env files sealed by this box (a release's recorded configuration). */
    public BerthFileLoader withSecrets(SecretBox box) {
        return new BerthFileLoader(variables, defaultLogDir, box);
    }

    /**
     * @param envProfile the env_&lt;profile&gt; to apply ("production"), or null for none
     * @throws ConfigException with every problem found, when there is at least one
     */
    public BerthFile load(Path file, String envProfile) throws ConfigException {
        return load(file, envProfile, null, Map.of());
    }

    /**
     * Loads a copy of a berth.yml kept elsewhere (a release's recorded configuration) as if it
     * were in its original directory.
     *
     * @param baseDir      what relative paths are resolved against, or null for the file's directory
     * @param envFileCopies env files to read instead of the ones named (resolved path -&gt; the copy)
     */
    public BerthFile load(Path file, String envProfile, Path baseDir, Map<Path, Path> envFileCopies) throws ConfigException {
        Path path = file.toAbsolutePath().normalize();
        Reading reading = new Reading(path, envProfile, baseDir, envFileCopies);
        List<AppSpec> apps = reading.file();
        if (!reading.problems.isEmpty()) {
            throw new ConfigException(reading.problems.sorted());
        }
        List<Path> inputs = new ArrayList<>();
        inputs.add(path);
        for (Path p : reading.file.envFilesRead) if (!inputs.contains(p)) inputs.add(p);
        return new BerthFile(path, List.copyOf(apps), List.copyOf(inputs), List.copyOf(reading.backups.backups), List.copyOf(reading.checks),
                reading.alerts, reading.proxy, reading.admin);
    }

    static final String TIMESTAMP_EXPECTED = "expected true, false or a java.time DateTimeFormatter pattern like \"yyyy-MM-dd HH:mm:ss\"";

    /**
     * A logs.timestamp pattern, checked twice: as java.time understands it, and as the log relay can
     * write it ({@link TimestampPattern}), so that a pattern that loads is a pattern that works.
     */
    static String checkTimestampPattern(String pattern) {
        try {
            // formatting a full date-time also catches patterns that only fail when used
            DateTimeFormatter.ofPattern(pattern).format(ZonedDateTime.now());
            TimestampPattern.toRelayFormat(pattern);
            return pattern;
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException(TIMESTAMP_EXPECTED + ", got \"" + pattern + "\": " + e.getMessage());
        }
    }

    /** The state of one load() call: the file's sections, read in order. */
    private final class Reading {
        final Problems problems;
        final String profile;
        final FieldReader file;
        final BackupsSection backups;
        List<CheckSpec> checks = List.of();
        AlertsSpec alerts = AlertsSpec.NONE;
        ProxySpec proxy = ProxySpec.NONE;
        AdminSpec admin = AdminSpec.NONE;

        Reading(Path file, String profile, Path baseDir, Map<Path, Path> envFileCopies) {
            this.problems = new Problems(file);
            this.file = new FieldReader(problems, baseDir != null ? baseDir : file.getParent(), variables, defaultLogDir, schema,
                    secrets, envFileCopies);
            this.backups = new BackupsSection(this.file);
            this.profile = profile;
        }

        List<AppSpec> file() {
            Node root = YamlSource.read(problems.file(), problems, secrets);
            if (root == null) {
                return List.of();
            }
            if (!(root instanceof MappingNode top)) {
                problems.at(root, null, "expected a mapping with an apps: key, got " + YamlSource.describe(root));
                return List.of();
            }
            Map<String, NodeTuple> entries = YamlSource.entries(top, "", problems);
            schema.checkKeys(entries, "", "", problems);
            NodeTuple appsEntry = entries.get("apps");
            List<AppSpec> apps = new ArrayList<>();
            NodeTuple sitesEntry = entries.get("sites");
            Node sitesNode = sitesEntry == null || YamlSource.isNull(sitesEntry.getValueNode()) ? null : sitesEntry.getValueNode();
            AppsSection appsSection = new AppsSection(file, profile, ProxySection.routedApps(sitesNode));
            NodeTuple backupsEntry = entries.get("backups");
            if (backupsEntry != null && !YamlSource.isNull(backupsEntry.getValueNode())) {
                backups.backups(backupsEntry.getValueNode());
            }
            if ((appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) && (!backups.backups.isEmpty() || entries.containsKey("checks") || sitesNode != null)) {
                // a file with backups or checks only is fine
            } else if (appsEntry == null || YamlSource.isNull(appsEntry.getValueNode())) {
                problems.at(appsEntry == null ? top : appsEntry.getKeyNode(), "apps",
                        "is required (unless the file has backups:, checks: or sites:): a mapping of app name to app settings");
            } else if (!(appsEntry.getValueNode() instanceof MappingNode appsNode)) {
                problems.at(appsEntry.getValueNode(), "apps", "expected a mapping of app name to app settings, got "
                        + YamlSource.describe(appsEntry.getValueNode()));
            } else {
                if (appsNode.getValue().isEmpty()) {
                    problems.at(appsNode, "apps", "expected at least one app");
                }
                for (NodeTuple app : YamlSource.entries(appsNode, "apps", problems).values()) {
                    AppSpec spec = appsSection.app(app);
                    if (spec != null) {
                        apps.add(spec);
                    }
                }
                appsSection.checkAfter(appsNode, apps);
            }
            for (NodeTuple app : appsEntry != null && appsEntry.getValueNode() instanceof MappingNode am ? am.getValue() : List.<NodeTuple>of()) {
                appsSection.checkDeployBackup(app, backups.backups);
            }
            NodeTuple proxyEntry = entries.get("proxy");
            proxy = new ProxySection(file, apps).proxy(proxyEntry == null || YamlSource.isNull(proxyEntry.getValueNode()) ? null
                    : proxyEntry.getValueNode(), sitesNode);
            NodeTuple adminEntry = entries.get("admin");
            admin = new AdminSection(file).admin(adminEntry == null || YamlSource.isNull(adminEntry.getValueNode()) ? null : adminEntry.getValueNode(), proxy);
            ChecksSection checksSection = new ChecksSection(file, backups.backups, proxy);
            NodeTuple monitorEntry = entries.get("monitor");
            ChecksSection.MonitorDefaults monitor = checksSection.monitor(monitorEntry == null || YamlSource.isNull(monitorEntry.getValueNode())
                    ? null : monitorEntry.getValueNode());
            NodeTuple checksEntry = entries.get("checks");
            checks = checksSection.checks(checksEntry == null || YamlSource.isNull(checksEntry.getValueNode()) ? null : checksEntry.getValueNode(),
                    monitor, apps);
            NodeTuple alertsEntry = entries.get("alerts");
            alerts = new AlertsSection(file).alerts(alertsEntry == null || YamlSource.isNull(alertsEntry.getValueNode()) ? null : alertsEntry.getValueNode());
            List<String> channelNames = alerts.channels().stream().map(AlertsSpec.Channel::name).toList();
            for (ChecksSection.ChannelRef ref : checksSection.channelRefs) {
                if (!channelNames.contains(ref.channel())) {
                    problems.at(ref.node(), ref.field(), "no channel named \"" + ref.channel() + "\" in alerts.channels"
                            + Suggestions.didYouMean(ref.channel(), channelNames));
                }
            }
            Set<String> definedProfiles = appsSection.definedProfiles;
            if (profile != null && !definedProfiles.contains(profile)) {
                problems.inFile(null, "env profile \"" + profile + "\" is not defined by any app (no env_" + profile + " key); "
                        + (definedProfiles.isEmpty() ? "no app defines an env_<profile> key"
                        : "defined profiles: " + String.join(", ", definedProfiles)));
            }
            return apps;
        }
    }
}
