package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec.ExecCommand;
import dev.berth.config.AppSpec.HttpReady;
import dev.berth.config.AppSpec.LogLineReady;
import dev.berth.config.AppSpec.LogSpec;
import dev.berth.config.AppSpec.PortReady;
import dev.berth.config.AppSpec.RestartPolicy;
import dev.berth.config.AppSpec.ShellCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid berth.yml turns into: values, defaults, env order, interpolation, profiles. */
class BerthFileLoaderTest {
    @TempDir Path dir;

    @Test
    void minimalAppGetsEveryDefault() throws Exception {
        AppSpec web = load("apps:\n  web:\n    run: node server.js --port 3000\n", null).apps().get(0);
        assertEquals("web", web.name());
        assertEquals(new ShellCommand("node server.js --port 3000"), web.command());
        assertEquals(List.of("node", "server.js", "--port", "3000"), web.command().argv(), "plain words need no shell");
        assertEquals(dir.toRealPath(), web.cwd().toRealPath());
        assertTrue(web.cwd().isAbsolute());
        assertEquals(Map.of(), web.env());
        assertNull(web.envProfile());
        assertEquals(1, web.instances());
        assertNull(web.port());
        assertEquals(RestartPolicy.defaults(), web.restart());
        assertNull(web.maxMemory());
        assertNull(web.cronRestart());
        assertEquals("TERM", web.stopSignal());
        assertEquals(Duration.ofSeconds(5), web.killTimeout());
        assertNull(web.ready());
        assertEquals(new LogSpec(dir.resolve("default-logs"), false, null, null, null, 5, true), web.logs());
    }

    @Test
    void readsEverySetting() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        AppSpec web = load("""
                apps:
                  web:
                    script: server.js
                    args: --port 3000 --verbose
                    interpreter: node --max-old-space-size=512
                    cwd: app
                    instances: 3
                    port: 3000
                    autorestart: false
                    max_restarts: 0
                    min_uptime: 2s
                    restart_delay: 1m30s
                    backoff: false
                    max_restart_delay: 2m
                    max_memory: 1g
                    cron_restart: "0 3 * * *"
                    stop_signal: sigint
                    kill_timeout: 500ms
                    ready: {http: /healthz, timeout: 1m}
                    logs:
                      dir: /var/log/web
                      merge: true
                      timestamp: true
                      rotate: {size: 10M, age: 1d, keep: 3, compress: false}
                """, null).apps().get(0);
        assertEquals(new ExecCommand(List.of("node", "--max-old-space-size=512", "server.js", "--port", "3000", "--verbose")), web.command());
        assertEquals(dir.resolve("app"), web.cwd());
        assertEquals(3, web.instances());
        assertEquals(3000, web.port());
        assertEquals(new RestartPolicy(false, 0, Duration.ofSeconds(2), Duration.ofSeconds(90), false, Duration.ofMinutes(2)), web.restart());
        assertEquals(1L << 30, web.maxMemory());
        assertEquals("0 3 * * *", web.cronRestart());
        assertEquals("INT", web.stopSignal());
        assertEquals(Duration.ofMillis(500), web.killTimeout());
        assertEquals(new HttpReady("/healthz", Duration.ofMinutes(1)), web.ready());
        assertEquals(new LogSpec(Path.of("/var/log/web"), true, BerthFileLoader.DEFAULT_TIMESTAMP, 10L << 20, Duration.ofDays(1), 3, false),
                web.logs());
    }

    @Test
    void scriptArgsMayBeAListAndKeepTheirSpaces() throws Exception {
        AppSpec w = load("apps:\n  w:\n    script: ./bin/worker\n    args: [--name, \"two words\", 42]\n", null).apps().get(0);
        assertEquals(List.of("./bin/worker", "--name", "two words", "42"), w.command().argv());
    }

    @Test
    void instancesMaxIsTheNumberOfProcessors() throws Exception {
        AppSpec w = load("apps:\n  w:\n    run: x\n    instances: max\n", null).apps().get(0);
        assertEquals(Runtime.getRuntime().availableProcessors(), w.instances());
    }

    @Test
    void readinessKinds() throws Exception {
        BerthFile f = load("""
                apps:
                  a: {run: x, port: 3000, ready: {port: true}}
                  b: {run: x, ready: {log: "listening on", timeout: 5s}}
                """, null);
        assertEquals(new PortReady(Duration.ofSeconds(30)), f.app("a").orElseThrow().ready());
        assertEquals(new LogLineReady("listening on", Duration.ofSeconds(5)), f.app("b").orElseThrow().ready());
    }

    @Test
    void timestampPatternIsKeptAndFalseMeansNone() throws Exception {
        BerthFile f = load("""
                apps:
                  a: {run: x, logs: {timestamp: "yyyy-MM-dd HH:mm:ss"}}
                  b: {run: x, logs: {timestamp: false, dir: out}}
                """, null);
        assertEquals("yyyy-MM-dd HH:mm:ss", f.app("a").orElseThrow().logs().timestamp());
        assertNull(f.app("b").orElseThrow().logs().timestamp());
        assertEquals(dir.resolve("out"), f.app("b").orElseThrow().logs().dir());
    }

    @Test
    void envComesFromEnvFileThenEnvThenProfile() throws Exception {
        Files.writeString(dir.resolve(".env"), "A=file\nB=file\nC=file\nD=file\n");
        Files.writeString(dir.resolve(".env.local"), "D=local\n");
        String yml = """
                apps:
                  web:
                    run: x
                    env_file: [.env, .env.local]
                    env:
                      B: env
                      C: env
                      PORT_NUMBER: 3000
                      DEBUG: true
                      EMPTY:
                    env_production:
                      C: production
                """;
        AppSpec plain = load(yml, null).apps().get(0);
        assertEquals(Map.of("A", "file", "B", "env", "C", "env", "D", "local", "PORT_NUMBER", "3000", "DEBUG", "true", "EMPTY", ""),
                plain.env());
        assertEquals(List.of("A", "B", "C", "D", "PORT_NUMBER", "DEBUG", "EMPTY"), List.copyOf(plain.env().keySet()));
        assertNull(plain.envProfile());

        AppSpec production = load(yml, "production").apps().get(0);
        assertEquals("production", production.env().get("C"));
        assertEquals("production", production.envProfile());
    }

    @Test
    void interpolationReadsVariablesThenEnvFileThenDefault() throws Exception {
        Files.writeString(dir.resolve(".env"), "SHARED=from-file\nONLY_FILE=file-value\nBLANK=\n");
        Map<String, String> vars = Map.of("SHARED", "from-environment", "PORT", "4000");
        Files.writeString(dir.resolve("berth.yml"), """
                apps:
                  web:
                    run: node server.js --port ${PORT} --home $HOME
                    env_file: .env
                    port: ${PORT:-3000}
                    env:
                      A: ${SHARED}
                      B: ${ONLY_FILE}
                      C: ${MISSING:-fallback}
                      D: ${BLANK:-was blank}
                      E: "cost: $$5, literal $${SHARED}, shell $HOME"
                      F: pre-${PORT}-${ONLY_FILE}-post
                """);
        AppSpec web = new BerthFileLoader(vars, dir).load(dir.resolve("berth.yml"), null).apps().get(0);
        assertEquals("node server.js --port 4000 --home $HOME", ((ShellCommand) web.command()).line());
        assertEquals(4000, web.port());
        assertEquals("from-environment", web.env().get("A"));
        assertEquals("file-value", web.env().get("B"));
        assertEquals("fallback", web.env().get("C"));
        assertEquals("was blank", web.env().get("D"));
        assertEquals("cost: $5, literal ${SHARED}, shell $HOME", web.env().get("E"));
        assertEquals("pre-4000-file-value-post", web.env().get("F"));
        assertEquals("from-file", web.env().get("SHARED"), "env_file values stay in env as written");
    }

    @Test
    void envFilePathItselfIsInterpolatedFromTheEnvironment() throws Exception {
        Files.writeString(dir.resolve(".env.staging"), "X=1\n");
        Files.writeString(dir.resolve("berth.yml"), "apps:\n  web:\n    run: x\n    env_file: .env.${STAGE}\n");
        AppSpec web = new BerthFileLoader(Map.of("STAGE", "staging"), dir).load(dir.resolve("berth.yml"), null).apps().get(0);
        assertEquals("1", web.env().get("X"));
    }

    @Test
    void malformedEnvFileLinesAreReportedInTheEnvFile() throws Exception {
        Files.writeString(dir.resolve(".env"), "OK=1\nbroken line\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("apps:\n  web:\n    run: x\n    env_file: .env\n", null));
        assertEquals(dir.resolve(".env") + ":2:1: expected KEY=VALUE (KEY made of letters, digits and _, not starting with a digit)",
                e.getMessage());
    }

    @Test
    void profileDefinedBySomeAppsOnlyAppliesToThose() throws Exception {
        BerthFile f = load("""
                apps:
                  web: {run: x, env: {A: base}, env_production: {A: prod}}
                  cron: {run: y, env: {A: base}}
                """, "production");
        assertEquals("prod", f.app("web").orElseThrow().env().get("A"));
        assertEquals("production", f.app("web").orElseThrow().envProfile());
        assertEquals("base", f.app("cron").orElseThrow().env().get("A"));
        assertNull(f.app("cron").orElseThrow().envProfile());
    }

    @Test
    void appsKeepTheirOrderAndThePathIsAbsolute() throws Exception {
        BerthFile f = load("apps:\n  zeta: {run: x}\n  alpha: {run: y}\n  mid.dle_1-x: {run: z}\n", null);
        assertEquals(List.of("zeta", "alpha", "mid.dle_1-x"), f.apps().stream().map(AppSpec::name).toList());
        assertEquals(dir.resolve("berth.yml").toAbsolutePath(), f.path());
    }

    @Test
    void anchorsAndAliasesShareValues() throws Exception {
        BerthFile f = load("""
                apps:
                  a: {run: x, env: &common {NODE_ENV: production}}
                  b: {run: y, env: *common}
                """, null);
        assertEquals(f.app("a").orElseThrow().env(), f.app("b").orElseThrow().env());
    }

    @Test
    void deploySectionWithDefaultsAndEveryStep() throws Exception {
        BerthFile f = load("""
                apps:
                  web:
                    run: node server.js
                    port: 3000
                    deploy:
                      path: srv/web
                      git: repos/web.git
                      branch: main
                      shared: [.env, uploads/]
                      install: npm ci
                      build: {run: npm run build, timeout: 2m}
                      migrate: npm run migrate
                      step_timeout: 3m
                      after_switch: [./warm.sh, ./notify.sh]
                      health: /healthz
                  api:
                    run: ./api
                    cwd: .
                    deploy: {path: /srv/api, archive: dist/api.tgz}
                """, null);
        AppSpec web = f.app("web").orElseThrow();
        DeploySpec d = web.deploy();
        assertEquals(dir.resolve("srv/web"), d.path());
        assertEquals(dir.resolve("srv/web/current"), web.cwd(), "a deployed app runs in its live release");
        assertEquals(new DeploySpec.GitSource(dir.resolve("repos/web.git").toString(), "main"), d.source());
        assertEquals(5, d.keepReleases());
        assertEquals(List.of(".env", "uploads/"), d.shared());
        assertEquals(List.of(new DeploySpec.Step("install", "npm ci", Duration.ofMinutes(3)),
                new DeploySpec.Step("build", "npm run build", Duration.ofMinutes(2)),
                new DeploySpec.Step("migrate", "npm run migrate", Duration.ofMinutes(3))), d.steps());
        assertEquals(List.of(), d.beforeSwitch());
        assertEquals(List.of("./warm.sh", "./notify.sh"), d.afterSwitch());
        assertEquals(Duration.ofSeconds(60), d.settle());
        assertEquals("/healthz", d.health());
        AppSpec api = f.app("api").orElseThrow();
        assertEquals(dir, api.cwd(), "an explicit cwd wins");
        assertEquals(new DeploySpec.ArchiveSource(dir.resolve("dist/api.tgz")), api.deploy().source());
        assertEquals("https://example.com/x.git", load("""
                apps:
                  w: {run: x, deploy: {path: d, git: "https://example.com/x.git"}}
                """, null).app("w").orElseThrow().deploy().source() instanceof DeploySpec.GitSource g ? g.repository() : null,
                "a URL is kept as it is");
    }

    private BerthFile load(String yml, String profile) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, yml);
        return new BerthFileLoader(Map.of(), dir.resolve("default-logs")).load(file, profile);
    }
}
