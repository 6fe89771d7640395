package dev.berth.config;

import static dev.berth.config.Kind.*;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** backups: each backup's source, destination, schedule, retention, encryption and off-site copy. */
final class BackupsSection extends FieldReader {
    /** The backups read without problems, in file order. */
    final List<BackupSpec> backups = new ArrayList<>();

    BackupsSection(FieldReader file) {
        super(file);
    }

    void backups(Node node) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "backups", "expected a mapping of backup name to its settings, got " + YamlSource.describe(node));
            return;
        }
        for (NodeTuple t : YamlSource.entries(mapping, "backups", problems).values()) {
            BackupSpec b = backup(t);
            if (b != null) {
                backups.add(b);
            }
        }
    }

    BackupSpec backup(NodeTuple tuple) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) return null; // entries() has reported it
        String name = key.getValue();
        String path = "backups." + name;
        int before = problemCount();
        if (!BerthFileLoader.APP_NAME.matcher(name).matches() || name.length() > BerthFileLoader.APP_NAME_MAX) {
            problems.at(tuple.getKeyNode(), path, "backup names are lowercase letters, digits and . _ - (starting with a letter or digit),"
                    + " at most " + BerthFileLoader.APP_NAME_MAX + " characters, got \"" + name + "\"");
        }
        if (!(tuple.getValueNode() instanceof MappingNode node)) {
            problems.at(tuple.getValueNode(), path, "expected a mapping (postgres, mysql, sqlite, redis or dir, and to, compress, schedule),"
                    + " got " + YamlSource.describe(tuple.getValueNode()));
            return null;
        }
        Map<String, NodeTuple> f = YamlSource.entries(node, path, problems);
        schema.checkKeys(f, "backups.*", path, problems);
        Map<String, String> fileEnv = envFiles(value(f, "env_file"), path + ".env_file");
        Function<String, String> lookup = n -> variables.containsKey(n) ? variables.get(n) : fileEnv.get(n);
        List<String> kinds = f.keySet().stream().filter(k -> List.of("postgres", "mysql", "mongo", "sqlite", "redis", "dir").contains(k)).toList();
        if (kinds.size() != 1) {
            problems.at(node, path, "expected exactly one source: postgres (a database), mysql (a database), mongo (a database),"
                    + " sqlite (a file), redis (true) or dir (a directory)" + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            return null;
        }
        String kind = kinds.get(0);
        // database, host and user go on the dump tool's command line
        String host = scalar(f, "host", path, NOT_AN_OPTION, "127.0.0.1", lookup);
        BackupSpec.Source source = switch (kind) {
            case "postgres" -> new BackupSpec.Postgres(scalar(f, kind, path, POSTGRES_DATABASE, null, lookup), host,
                    scalar(f, "port", path, PORT, 5432, lookup), scalar(f, "user", path, NOT_AN_OPTION, "postgres", lookup));
            case "mysql" -> new BackupSpec.MySql(scalar(f, kind, path, NOT_AN_OPTION, null, lookup), host,
                    scalar(f, "port", path, PORT, 3306, lookup), scalar(f, "user", path, NOT_AN_OPTION, "root", lookup));
            case "mongo" -> new BackupSpec.Mongo(scalar(f, kind, path, NOT_AN_OPTION, null, lookup), host,
                    scalar(f, "port", path, PORT, 27017, lookup), scalar(f, "user", path, NOT_AN_OPTION, null, lookup));
            case "sqlite" -> {
                String file = scalar(f, kind, path, NON_EMPTY, null, lookup);
                yield file == null ? null : new BackupSpec.Sqlite(baseDir.resolve(file.strip()).normalize());
            }
            case "redis" -> {
                Boolean on = scalar(f, kind, path, BOOL, null, lookup);
                if (Boolean.FALSE.equals(on)) problems.at(value(f, kind), path + ".redis", "true is the only value (host and port say which server)");
                yield new BackupSpec.Redis(host, scalar(f, "port", path, PORT, 6379, lookup));
            }
            default -> {
                String dir = scalar(f, kind, path, NON_EMPTY, null, lookup);
                yield dir == null ? null : new BackupSpec.Dir(baseDir.resolve(dir.strip()).normalize(), commands(value(f, "exclude"), path + ".exclude", lookup));
            }
        };
        if (value(f, "exclude") != null && !kind.equals("dir")) {
            problems.at(f.get("exclude").getKeyNode(), path + ".exclude", "applies only to a dir backup");
        }
        for (String k : List.of("host", "port", "user")) {
            if (value(f, k) != null && (kind.equals("sqlite") || kind.equals("dir") || (kind.equals("redis") && k.equals("user")))) {
                problems.at(f.get(k).getKeyNode(), path + "." + k, "does not apply to a " + kind + " backup");
            }
        }
        String to = scalar(f, "to", path, NON_EMPTY, null, lookup);
        String compress = scalar(f, "compress", path, COMPRESS, "zstd", lookup);
        String schedule = scalar(f, "schedule", path, SCHEDULE, null, lookup);
        String drill = scalar(f, "drill", path, SCHEDULE, null, lookup);
        Duration grace = scalar(f, "grace", path, DURATION, Duration.ofHours(1), lookup);
        for (String k : List.of("grace", "catch_up")) {
            if (value(f, k) != null && schedule == null) problems.at(f.get(k).getKeyNode(), path + "." + k, "applies only with a schedule");
        }
        BackupSpec.Retention keep = new BackupSpec.Retention(scalar(f, "keep_last", path, KEEP, null, lookup),
                scalar(f, "keep_daily", path, KEEP, null, lookup), scalar(f, "keep_weekly", path, KEEP, null, lookup),
                scalar(f, "keep_monthly", path, KEEP, null, lookup), scalar(f, "max_age", path, DURATION, null, lookup));
        List<String> recipients = commands(value(f, "age_recipients"), path + ".age_recipients", lookup);
        for (String r : recipients) {
            if (!r.startsWith("age1") && !r.startsWith("ssh-")) {
                problems.at(value(f, "age_recipients"), path + ".age_recipients", "expected age public keys (age1...) or ssh keys, got \""
                        + (r.length() > 20 ? r.substring(0, 20) + "..." : r) + "\"");
            }
        }
        String identity = scalar(f, "age_identity", path, NON_EMPTY, null, lookup);
        if (identity != null && recipients.isEmpty()) {
            problems.at(f.get("age_identity").getKeyNode(), path + ".age_identity", "applies only with age_recipients");
        }
        BackupSpec.Encryption encrypt = recipients.isEmpty() ? null
                : new BackupSpec.Encryption(recipients, identity == null ? null : baseDir.resolve(identity.strip()).normalize());
        BackupSpec.Offsite offsite = offsite(value(f, "offsite"), path + ".offsite", name, lookup);
        if (problemCount() > before || source == null) {
            return null;
        }
        return new BackupSpec(name, source, to == null ? null : baseDir.resolve(to.strip()).normalize(), compress,
                Collections.unmodifiableMap(new LinkedHashMap<>(fileEnv)), schedule, keep, encrypt, drill, grace,
                scalar(f, "catch_up", path, BOOL, true, lookup), offsite);
    }

    /** backups.NAME.offsite: an S3-compatible bucket; keys default to AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
    BackupSpec.Offsite offsite(Node node, String path, String backupName, Function<String, String> lookup) {
        if (node == null) return null;
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "expected a mapping (endpoint, bucket, access_key, secret_key, ...), got " + YamlSource.describe(node));
            return null;
        }
        int before = problemCount();
        Map<String, NodeTuple> f = YamlSource.entries(mapping, path, problems);
        schema.checkKeys(f, "backups.*.offsite", path, problems);
        URI endpoint = scalar(f, "endpoint", path, ENDPOINT, null, lookup);
        if (value(f, "endpoint") == null) problems.at(node, path + ".endpoint", "expected endpoint: the S3 server's URL, like https://s3.amazonaws.com or http://127.0.0.1:9000");
        String bucket = scalar(f, "bucket", path, BUCKET, null, lookup);
        if (value(f, "bucket") == null) problems.at(node, path + ".bucket", "expected bucket: the bucket the archives go to");
        String prefix = scalar(f, "prefix", path, TEXT, backupName + "/", lookup);
        prefix = prefix.strip().replaceAll("^/+", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
        String accessKey = credential(f, "access_key", "AWS_ACCESS_KEY_ID", path, node, lookup);
        String secretKey = credential(f, "secret_key", "AWS_SECRET_ACCESS_KEY", path, node, lookup);
        String host = endpoint == null ? "" : endpoint.getHost();
        // AWS and the big clouds want virtual-host style; MinIO and most self-hosted servers path style
        boolean cloud = host.endsWith(".amazonaws.com") || host.endsWith(".myqcloud.com") || host.endsWith(".aliyuncs.com");
        boolean pathStyle = scalar(f, "path_style", path, BOOL, !cloud, lookup);
        Long partSize = scalar(f, "part_size", path, PART_SIZE, 64L << 20, lookup);
        BackupSpec.Retention keep = new BackupSpec.Retention(scalar(f, "keep_last", path, KEEP, null, lookup),
                scalar(f, "keep_daily", path, KEEP, null, lookup), scalar(f, "keep_weekly", path, KEEP, null, lookup),
                scalar(f, "keep_monthly", path, KEEP, null, lookup), scalar(f, "max_age", path, DURATION, null, lookup));
        String region = scalar(f, "region", path, NON_EMPTY, "us-east-1", lookup);
        if (problemCount() > before || endpoint == null || bucket == null || accessKey == null || secretKey == null) return null;
        return new BackupSpec.Offsite(endpoint, region.strip(), bucket.strip(), prefix, pathStyle, accessKey, secretKey, partSize, keep);
    }

    private String credential(Map<String, NodeTuple> f, String key, String variable, String path, Node node, Function<String, String> lookup) {
        String v = scalar(f, key, path, NON_EMPTY, null, lookup);
        if (v == null && value(f, key) == null) v = lookup.apply(variable);
        if (v == null || v.isBlank()) {
            if (value(f, key) == null) {
                problems.at(node, path + "." + key, "expected " + key + ", or " + variable + " in the environment or the backup's env_file"
                        + " (write it as ${VAR}, never as a literal in berth.yml)");
            }
            return null;
        }
        return v.strip();
    }
}
