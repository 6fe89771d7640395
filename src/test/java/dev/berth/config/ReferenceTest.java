package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec.ExecCommand;
import dev.berth.config.AppSpec.HttpReady;
import dev.berth.config.AppSpec.LogLineReady;
import dev.berth.config.AppSpec.PortReady;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reference.yml is both the documentation and the schema: it must validate and must name every key the loader reads. */
class ReferenceTest {
    @TempDir Path dir;

    @Test
    void referenceValidatesAsABerthYml() throws Exception {
        Path file = dir.resolve("berth.yml");
        try (InputStream in = ReferenceSchema.class.getResourceAsStream(ReferenceSchema.RESOURCE)) {
            assertNotNull(in, "reference.yml on the classpath");
            Files.copy(in, file);
        }
        Files.writeString(dir.resolve(".env"), "DATABASE_URL=postgres://app@localhost/app\n");
        Files.writeString(dir.resolve(".env.alerts"), "WECOM_WEBHOOK=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\n"
                + "DINGTALK_WEBHOOK=https://oapi.dingtalk.com/robot/send?access_token=t\nDINGTALK_SECRET=SECd\n"
                + "FEISHU_WEBHOOK=https://open.feishu.cn/open-apis/bot/v2/hook/h\nFEISHU_SECRET=fs\nSLACK_WEBHOOK=https://hooks.slack.com/services/x\n"
                + "SMTP_PASSWORD=pw\nHOOK_TOKEN=ht\n");
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve(".env.backup"), "PGPASSWORD=from-the-env-file\nS3_ACCESS_KEY=AKID1\nS3_SECRET_KEY=s3-secret\n");

        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/old.example.com.crt"), "certificate\n");
        Files.writeString(dir.resolve("tls/old.example.com.key"), "key\n");
        Files.writeString(dir.resolve("tls/acme-ca.pem"), "ca\n");

        Files.createDirectories(dir.resolve("tts"));
        Files.writeString(dir.resolve("tts/Dockerfile"), "FROM scratch\n");
        Files.createDirectories(dir.resolve("models"));

        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, "production");

        assertEquals(List.of("web", "worker", "api", "cache", "tts"), f.apps().stream().map(AppSpec::name).toList());
        ContainerSpec tts = f.app("tts").orElseThrow().container();
        assertEquals(new ContainerSpec("localhost/tts:latest", new ContainerSpec.Build(dir.resolve("tts"), "Dockerfile", "runtime", Map.of("PYTHON_VERSION", "3.11")),
                "podman", 8000, List.of("python3", "-m", "tts.server"),
                List.of(new ContainerSpec.Volume("tts-cache", true, "/root/.cache", false), new ContainerSpec.Volume(dir.resolve("models").toString(), false, "/models", true)),
                4L << 30, 2.0, "1000:1000", true, List.of("ALL"), List.of("NET_BIND_SERVICE"), ContainerSpec.Gpus.everyOne(), true, List.of("--shm-size=1g"),
                new ContainerSpec.Healthcheck("curl -fs http://localhost:8000/health", java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(3), 3,
                        java.time.Duration.ofSeconds(20), false)), tts);
        assertEquals(new AppSpec.HealthcheckReady(java.time.Duration.ofMinutes(2)), f.app("tts").orElseThrow().ready());
        assertEquals(new AppSpec.ContainerCommand(tts), f.app("tts").orElseThrow().command());
        assertNull(f.app("web").orElseThrow().container());
        assertTrue(f.app("api").orElseThrow().fronted(), "a site routes to api");
        assertFalse(f.app("web").orElseThrow().fronted());
        ProxySpec proxy = f.proxy();
        assertEquals(List.of("shop", "legacy"), proxy.sites().stream().map(ProxySpec.Site::name).toList());
        ProxySpec.Site shop = proxy.site("shop").orElseThrow();
        assertEquals(List.of("shop.example.com", "www.shop.example.com"), shop.domains());
        assertEquals(new ProxySpec.AcmeTls(), shop.tls());
        assertEquals(new ProxySpec.RateLimit("20r/s", 40), shop.rateLimit());
        assertEquals(List.of("/api", "/api/admin", "/"), shop.routes().stream().map(ProxySpec.Route::path).toList());
        assertEquals(List.of("10.0.0.0/8", "203.0.113.7"), shop.routes().get(1).allow());
        assertEquals(dir.resolve("web/dist"), shop.routes().get(2).root());
        assertEquals(List.of("add_header X-Served-By berth always;"), shop.nginx().lines());
        assertEquals("ops@example.com", proxy.acme().email());
        assertEquals(List.of("maindb", "uploads", "localdb", "shop", "catalog", "sessions"), f.backups().stream().map(BackupSpec::name).toList());
        assertEquals(new BackupSpec.Mongo("catalog", "127.0.0.1", 27017, null), f.backup("catalog").orElseThrow().source());
        BackupSpec maindb = f.backup("maindb").orElseThrow();
        assertEquals(new BackupSpec.Postgres("app", "127.0.0.1", 5432, "app"), maindb.source());
        assertEquals("0 2 * * *", maindb.schedule(), "daily is 02:00");
        assertEquals("from-the-env-file", maindb.env().get("PGPASSWORD"));
        BackupSpec.Offsite offsite = maindb.offsite();
        assertEquals(java.net.URI.create("https://cos.ap-shanghai.myqcloud.com"), offsite.endpoint());
        assertEquals(List.of("ap-shanghai", "backups-1250000000", "maindb/", "AKID1", "s3-secret"),
                List.of(offsite.region(), offsite.bucket(), offsite.prefix(), offsite.accessKey(), offsite.secretKey()));
        assertFalse(offsite.pathStyle());
        assertEquals(64L << 20, offsite.partSize());
        assertEquals(new BackupSpec.Retention(14, 30, 8, 12, java.time.Duration.ofDays(400)), offsite.keep());
        assertFalse(offsite.toString().contains("s3-secret"), "the secret is never in a log line");
        assertEquals(new BackupSpec.MySql("shop", "127.0.0.1", 3306, "root"), f.backup("shop").orElseThrow().source());
        assertEquals(new BackupSpec.Redis("127.0.0.1", 6379), f.backup("sessions").orElseThrow().source());
        assertEquals(new BackupSpec.Dir(dir.resolve("uploads"), List.of("cache/", "*.tmp")), f.backup("uploads").orElseThrow().source());
        AppSpec web = f.app("web").orElseThrow();
        assertEquals("production", web.env().get("NODE_ENV"));
        assertEquals("postgres://app@localhost/app", web.env().get("DATABASE_URL"));
        assertEquals(2, web.instances());
        assertEquals(List.of("cache"), web.after());
        assertEquals("INT", web.stopSignal());
        assertEquals(new HttpReady("/healthz", java.time.Duration.ofSeconds(30)), web.ready());
        assertEquals(dir.resolve("logs"), web.logs().dir());
        assertEquals(new ExecCommand(List.of("python3", "worker.py", "--queue", "default")), f.app("worker").orElseThrow().command());
        assertEquals("4", f.app("worker").orElseThrow().env().get("QUEUE_CONCURRENCY"));
        // checks: the declared ones, the built-ins (host, every app), each kind read
        assertEquals(List.of("host:cpu", "host:memory", "host:swap", "host:load", "host:disk", "app:web", "app:worker", "app:api", "app:cache", "app:tts", "backup:maindb",
                "tls:shop.example.com", "tls:www.shop.example.com", "tls:old.example.com",
                "api", "postgres-port", "certificate", "queue-depth", "errors", "gpu", "data-disk", "web-restarts", "maindb-age", "nightly-report", "load", "busy-cpu", "low-memory", "swapping"),
                f.checks().stream().map(CheckSpec::name).toList());
        CheckSpec api = f.check("api").orElseThrow();
        assertEquals(new CheckSpec.Http("GET", java.net.URI.create("http://127.0.0.1:3000/healthz"), Map.of("Authorization", "Bearer none"), "",
                Set.of(200, 204), "ok", "$.status", "ok", new CheckSpec.Limits(1000.0, 3000.0), true), api.probe());
        assertEquals(3, api.failures());
        assertEquals(List.of("ops"), api.channels());
        assertEquals(new CheckSpec.Tls("example.com", 443, new CheckSpec.Limits(21.0, 7.0)), f.check("certificate").orElseThrow().probe());
        assertEquals(new CheckSpec.LogErrors(List.of(dir.resolve("logs/web-0-err.log"), dir.resolve("logs/web-1-err.log")), "ERROR|Exception", java.time.Duration.ofMinutes(5), true,
                new CheckSpec.Limits(5.0, 10.0)), f.check("errors").orElseThrow().probe());
        assertEquals(new CheckSpec.Host("cpu", new CheckSpec.Limits(80.0, 95.0)), f.check("host:cpu").orElseThrow().probe());
        assertEquals(new CheckSpec.Heartbeat(java.time.Duration.ofDays(1), java.time.Duration.ofMinutes(30)), f.check("nightly-report").orElseThrow().probe());
        assertEquals(List.of("ops", "oncall", "dev", "team", "mail", "hook"), f.alerts().channels().stream().map(AlertsSpec.Channel::name).toList());
        assertEquals(new AlertsSpec.DingTalk("oncall", java.net.URI.create("https://oapi.dingtalk.com/robot/send?access_token=t"), "SECd",
                List.of("13800000000"), List.of(), true), f.alerts().channels().get(1));
        assertEquals(new AlertsSpec.Email("mail", "smtp.example.com", 465, "ssl", "alerts@example.com", "pw", "alerts@example.com",
                List.of("ops@example.com")), f.alerts().channels().get(4));
        assertFalse(f.alerts().channels().toString().contains("pw"), "no secret in toString");
        assertEquals(List.of(new AlertsSpec.Maintenance("0 3 * * 0", java.time.Duration.ofHours(2))), f.alerts().maintenance());
        assertEquals(LogLineReady.class, f.app("worker").orElseThrow().ready().getClass());
        assertEquals(PortReady.class, f.app("cache").orElseThrow().ready().getClass());
    }

    /** A key added to reference.yml without code to read it, or the other way round, fails here. */
    @Test
    void referenceDefinesExactlyTheKeysTheLoaderReads() {
        ReferenceSchema schema = ReferenceSchema.load();
        assertEquals(Set.of("", "apps.*", "apps.*.ready", "apps.*.logs", "apps.*.logs.rotate", "apps.*.deploy", "apps.*.deploy.build", "apps.*.build", "apps.*.container", "apps.*.container.healthcheck", "backups.*",
                        "backups.*.offsite", "checks.*", "monitor", "monitor.cpu", "monitor.memory", "monitor.swap", "monitor.load", "monitor.disk",
                        "monitor.inodes", "monitor.restarts", "proxy", "proxy.acme", "admin", "admin.tls", "sites.*", "sites.*.tls", "sites.*.routes.*", "alerts", "alerts.maintenance.*",
                        "alerts.channels.*"),
                schema.levels());
        assertEquals(List.of("apps", "backups", "checks", "monitor", "proxy", "admin", "sites", "alerts"), schema.keys(""));
        assertEquals(Set.of("app", "static", "spa", "websockets", "body_limit", "rate_limit", "burst", "allow", "nginx"),
                Set.copyOf(schema.keys("sites.*.routes.*")));
        assertEquals(Set.of("postgres", "mysql", "mongo", "sqlite", "redis", "dir", "host", "port", "user", "env_file", "to", "compress", "schedule",
                "exclude", "keep_last", "keep_daily", "keep_weekly", "keep_monthly", "max_age", "age_recipients", "age_identity", "grace", "drill", "catch_up",
                "offsite"),
                Set.copyOf(schema.keys("backups.*")));
        assertEquals(Set.of("run", "cwd", "env", "env_<profile>", "env_file", "instances", "port", "autorestart", "max_restarts",
                        "min_uptime", "restart_delay", "backoff", "max_restart_delay", "max_memory", "cron_restart", "stop_signal",
                        "kill_timeout", "ready", "logs", "script", "args", "interpreter", "deploy", "image", "build", "container", "after"),
                Set.copyOf(schema.keys("apps.*")));
        assertEquals(Set.of("http", "timeout", "log", "port", "healthcheck"), Set.copyOf(schema.keys("apps.*.ready")));
        assertEquals(List.of("dir", "merge", "timestamp", "rotate"), schema.keys("apps.*.logs"));
        assertEquals(List.of("size", "age", "keep", "compress"), schema.keys("apps.*.logs.rotate"));
        assertEquals(Set.of("path", "git", "branch", "dir", "archive", "keep_releases", "shared", "install", "build", "test", "migrate",
                "step_timeout", "before_switch", "after_switch", "preflight", "settle", "health", "backup"), Set.copyOf(schema.keys("apps.*.deploy")));
        assertEquals(List.of("run", "timeout"), schema.keys("apps.*.deploy.build"));
        assertEquals(List.of("context", "dockerfile", "target", "args"), schema.keys("apps.*.build"));
        assertEquals(List.of("engine", "port", "command", "volumes", "memory", "cpus", "user", "read_only", "cap_drop", "cap_add", "gpus", "init", "engine_args", "healthcheck"),
                schema.keys("apps.*.container"));
        assertEquals(List.of("test", "interval", "timeout", "retries", "start_period"), schema.keys("apps.*.container.healthcheck"));
        assertEquals(Set.of("endpoint", "region", "bucket", "prefix", "access_key", "secret_key", "path_style", "part_size", "keep_last",
                "keep_daily", "keep_weekly", "keep_monthly", "max_age"), Set.copyOf(schema.keys("backups.*.offsite")));
    }

    /** docs/berth-yml.md is the user's reference: every key of reference.yml has its own heading or table row there. */
    @Test
    void userDocsNameEveryKey() throws Exception {
        Path docs = Path.of(System.getProperty("berth.root", ".")).resolve("docs/berth-yml.md");
        String text = Files.readString(docs);
        ReferenceSchema schema = ReferenceSchema.load();
        for (String level : schema.levels()) {
            for (String key : schema.keys(level)) {
                String prefix = level.isEmpty() ? "" : level.replace("sites.*.routes.*", "route").replace("sites.*", "site").replace("apps.*", "").replace("backups.*", "backup").replace("checks.*", "check")
                        .replace("alerts.channels.*", "channel").replace("alerts.maintenance.*", "alerts.maintenance").replaceFirst("^\\.", "");
                String qualified = prefix.isEmpty() ? key : prefix + "." + key;
                assertTrue(text.contains("`" + qualified + "`"), "docs/berth-yml.md should document `" + qualified + "`");
            }
        }
    }
}
