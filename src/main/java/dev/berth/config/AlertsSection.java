package dev.berth.config;

import static dev.berth.config.Kind.*;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** alerts: the channels, resend and grouping, maintenance windows. */
final class AlertsSection extends FieldReader {
    AlertsSection(FieldReader file) {
        super(file);
    }

    AlertsSpec alerts(Node node) {
        if (node == null) return AlertsSpec.NONE;
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "alerts", "expected a mapping (channels, resend, group_wait, ...), got " + YamlSource.describe(node));
            return AlertsSpec.NONE;
        }
        Map<String, NodeTuple> f = YamlSource.entries(mapping, "alerts", problems);
        schema.checkKeys(f, "alerts", "alerts", problems);
        Map<String, String> fileEnv = envFiles(value(f, "env_file"), "alerts.env_file");
        Function<String, String> lookup = n -> variables.containsKey(n) ? variables.get(n) : fileEnv.get(n);
        Duration resend = scalar(f, "resend", "alerts", DURATION, Duration.ofMinutes(30), lookup);
        Duration groupWait = scalar(f, "group_wait", "alerts", DURATION, Duration.ofSeconds(10), lookup);
        String server = scalar(f, "server", "alerts", NON_EMPTY, null, lookup);
        List<AlertsSpec.Maintenance> windows = new ArrayList<>();
        Node m = value(f, "maintenance");
        if (m instanceof MappingNode mm) {
            for (Map.Entry<String, NodeTuple> e : YamlSource.entries(mm, "alerts.maintenance", problems).entrySet()) {
                NodeTuple t = e.getValue();
                String field = "alerts.maintenance." + e.getKey();
                if (!(t.getValueNode() instanceof MappingNode wm)) {
                    problems.at(t.getValueNode(), field, "expected cron: and duration:, got " + YamlSource.describe(t.getValueNode()));
                    continue;
                }
                Map<String, NodeTuple> wf = YamlSource.entries(wm, field, problems);
                schema.checkKeys(wf, "alerts.maintenance.*", field, problems);
                String cron = scalar(wf, "cron", field, CRON, null, lookup);
                Duration d = scalar(wf, "duration", field, INTERVAL, null, lookup);
                if (value(wf, "cron") == null || value(wf, "duration") == null) problems.at(wm, field, "expected cron: (when it starts) and duration: (how long)");
                if (cron != null && d != null) windows.add(new AlertsSpec.Maintenance(cron, d));
            }
        } else if (m != null) {
            problems.at(m, "alerts.maintenance", "expected a mapping of window name to cron: and duration:, got " + YamlSource.describe(m));
        }
        List<AlertsSpec.Channel> channels = new ArrayList<>();
        Node c = value(f, "channels");
        if (c instanceof MappingNode cm) {
            for (NodeTuple t : YamlSource.entries(cm, "alerts.channels", problems).values()) {
                AlertsSpec.Channel ch = channel(t, lookup);
                if (ch != null) channels.add(ch);
            }
        } else if (c != null) {
            problems.at(c, "alerts.channels", "expected a mapping of channel name to its settings, got " + YamlSource.describe(c));
        }
        return new AlertsSpec(List.copyOf(channels), resend.isZero() ? null : resend, groupWait, server, List.copyOf(windows));
    }

    static final List<String> CHANNEL_KINDS = List.of("wecom", "dingtalk", "feishu", "slack", "email", "webhook");

    AlertsSpec.Channel channel(NodeTuple t, Function<String, String> lookup) {
        if (!(t.getKeyNode() instanceof ScalarNode key)) return null; // entries() has reported it
        String name = key.getValue();
        String path = "alerts.channels." + name;
        int before = problemCount();
        if (!BerthFileLoader.APP_NAME.matcher(name).matches()) {
            problems.at(t.getKeyNode(), path, "channel names are lowercase letters, digits and . _ - (starting with a letter or digit), got \"" + name + "\"");
        }
        if (!(t.getValueNode() instanceof MappingNode node)) {
            problems.at(t.getValueNode(), path, "expected a mapping with one of " + String.join(", ", CHANNEL_KINDS) + ", got " + YamlSource.describe(t.getValueNode()));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
        schema.checkKeys(f, "alerts.channels.*", path, problems);
        List<String> kinds = f.keySet().stream().filter(CHANNEL_KINDS::contains).toList();
        if (kinds.size() != 1) {
            problems.at(node, path, "expected exactly one kind: " + String.join(", ", CHANNEL_KINDS) + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            return null;
        }
        String kind = kinds.get(0);
        Map<String, List<String>> only = Map.of("secret", List.of("dingtalk", "feishu"), "mention_mobiles", List.of("wecom", "dingtalk"),
                "mention_users", List.of("wecom", "dingtalk", "feishu"), "mention_all", List.of("wecom", "dingtalk", "feishu"),
                "tls", List.of("email"), "user", List.of("email"), "password", List.of("email"), "from", List.of("email"), "to", List.of("email"),
                "headers", List.of("webhook"));
        for (var e : only.entrySet()) {
            if (value(f, e.getKey()) != null && !e.getValue().contains(kind)) {
                problems.at(f.get(e.getKey()).getKeyNode(), path + "." + e.getKey(), "applies only to " + String.join(", ", e.getValue()) + " channels");
            }
        }
        List<String> mobiles = commands(value(f, "mention_mobiles"), path + ".mention_mobiles", lookup);
        List<String> users = commands(value(f, "mention_users"), path + ".mention_users", lookup);
        boolean all = scalar(f, "mention_all", path, BOOL, false, lookup);
        String secret = scalar(f, "secret", path, NON_EMPTY, null, lookup);
        AlertsSpec.Channel ch;
        try {
            ch = switch (kind) {
                case "wecom" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.WeCom(name, u, mobiles, users, all);
                }
                case "dingtalk" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.DingTalk(name, u, secret, mobiles, users, all);
                }
                case "feishu" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Feishu(name, u, secret, users, all);
                }
                case "slack" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Slack(name, u);
                }
                case "webhook" -> {
                    URI u = scalar(f, kind, path, HTTP_URL, null, lookup);
                    yield u == null ? null : new AlertsSpec.Webhook(name, u, envMapAny(value(f, "headers"), path + ".headers", lookup));
                }
                default -> {
                    HostPort hp = scalar(f, kind, path, HOST_PORT, null, lookup);
                    String tls = scalar(f, "tls", path, SMTP_TLS, hp != null && hp.port() == 465 ? "ssl" : "starttls", lookup);
                    String from = scalar(f, "from", path, EMAIL, null, lookup);
                    List<String> to = commands(value(f, "to"), path + ".to", lookup);
                    for (String addr : to) {
                        if (!addr.matches("[^@\\s]+@[^@\\s]+")) problems.at(value(f, "to"), path + ".to", "expected email addresses, got \"" + addr + "\"");
                    }
                    if (from == null) problems.at(node, path + ".from", "expected from: the sender address");
                    if (to.isEmpty()) problems.at(node, path + ".to", "expected to: one or more recipient addresses");
                    yield hp == null || from == null || to.isEmpty() ? null : new AlertsSpec.Email(name, hp.host(), hp.port(), tls,
                            scalar(f, "user", path, NON_EMPTY, null, lookup), scalar(f, "password", path, TEXT, null, lookup), from, to);
                }
            };
        } catch (IllegalArgumentException refused) {
            // what the channel itself refuses (a header the HTTP client sets, say) is a problem of the file too
            problems.at(node, path, refused.getMessage());
            return null;
        }
        return problemCount() > before ? null : ch;
    }
}
