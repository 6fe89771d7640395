package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.config.AppSpec.ExecCommand;
import dev.berth.exec.Output;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pm2ImportTest {
    @TempDir Path dir;

    private static final String STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";

    private static final String ECOSYSTEM_JSON = """
            {
              "apps": [
                {
                  "name": "API Server",
                  "script": "server.js",
                  "args": ["--color", "$HOME"],
                  "instances": "max",
                  "exec_mode": "cluster",
                  "max_memory_restart": "300M",
                  "cron_restart": "0 0 3 * * *",
                  "autorestart": true,
                  "max_restarts": 5,
                  "min_uptime": 5000,
                  "exp_backoff_restart_delay": 100,
                  "kill_timeout": 3000,
                  "merge_logs": true,
                  "log_date_format": "YYYY-MM-DD HH:mm:ss Z",
                  "out_file": "/var/log/api/out.log",
                  "wait_ready": true,
                  "listen_timeout": 8000,
                  "watch": true,
                  "vizion": false,
                  "env": {
                    "NODE_ENV": "development",
                    "PORT": 3000,
                    "DB_PASSWORD": "hunter2hunter2",
                    "PRICE": "$5"
                  },
                  "env_production": {
                    "NODE_ENV": "production",
                    "DB_PASSWORD": "prod-pw-123456",
                    "STRIPE_KEY": "%s"
                  }
                },
                {
                  "name": "worker",
                  "script": "worker.py",
                  "instances": 2,
                  "restart_delay": 2000,
                  "env": { "DB_PASSWORD": "hunter2hunter2" }
                }
              ]
            }
            """.formatted(STRIPE);

    @Test
    void convertsJsonAndTheResultLoads() throws Exception {
        Path eco = write("ecosystem.json", ECOSYSTEM_JSON);
        Pm2Import.Result r = new Pm2Import().convert(eco, dir.resolve("berth.yml"), dir.resolve(".env.berth"));

        assertEquals(2, r.apps());
        assertEquals(4, r.secretsMoved());
        assertEquals(dir.resolve(".env.berth"), r.envFile());
        String yml = Files.readString(r.berthYml());
        assertTrue(yml.startsWith("# berth.yml converted by berth import-pm2 from " + eco + "\n"), yml);
        assertFalse(yml.contains("hunter2") || yml.contains("prod-pw") || yml.contains("sk_live"), yml);

        String env = Files.readString(r.envFile());
        assertTrue(env.contains("DB_PASSWORD='hunter2hunter2'\n"), env);
        assertTrue(env.contains("API-SERVER_PRODUCTION_DB_PASSWORD".replace('-', '_') + "='prod-pw-123456'\n"), env);
        assertTrue(env.contains("STRIPE_KEY='" + STRIPE + "'\n"), env);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.envFile())));

        for (String expected : List.of(
                "api-server: renamed from \"API Server\"",
                "api-server: exec_mode cluster is ignored",
                "api-server: cron_restart \"0 0 3 * * *\" lost its seconds field",
                "api-server: out_file /var/log/api/out.log is not used",
                "api-server: wait_ready has no equivalent",
                "api-server: listen_timeout 8000",
                "api-server: watch is not supported",
                "api-server: vizion is not supported by Berth and was left out",
                "api-server: env.PORT became port: 3000")) {
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(expected)), expected + " in " + r.notes());
            assertTrue(yml.contains("#   - " + expected), "notes are in the header too: " + expected);
        }

        BerthFile dev = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), null);
        AppSpec api = dev.app("api-server").orElseThrow();
        assertEquals(new ExecCommand(List.of("node", "server.js", "--color", "$HOME")), api.command());
        assertEquals(dir, api.cwd());
        assertEquals(Runtime.getRuntime().availableProcessors(), api.instances());
        assertEquals(3000, api.port());
        assertEquals(300L << 20, api.maxMemory());
        assertEquals("0 3 * * *", api.cronRestart());
        assertEquals(5, api.restart().maxRestarts());
        assertEquals(Duration.ofSeconds(5), api.restart().minUptime());
        assertEquals(Duration.ofMillis(100), api.restart().restartDelay());
        assertTrue(api.restart().backoff());
        assertEquals(Duration.ofSeconds(3), api.killTimeout());
        assertTrue(api.logs().merge());
        assertEquals("yyyy-MM-dd HH:mm:ss xxx", api.logs().timestamp());
        assertEquals(Map.of("NODE_ENV", "development", "DB_PASSWORD", "hunter2hunter2", "PRICE", "$5"),
                withoutEnvFileExtras(api.env(), "NODE_ENV", "DB_PASSWORD", "PRICE"));
        assertFalse(api.env().containsKey("PORT"), "Berth sets PORT itself");

        AppSpec apiProd = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), "production").app("api-server").orElseThrow();
        assertEquals("prod-pw-123456", apiProd.env().get("DB_PASSWORD"));
        assertEquals(STRIPE, apiProd.env().get("STRIPE_KEY"));
        assertEquals("production", apiProd.env().get("NODE_ENV"));

        AppSpec worker = dev.app("worker").orElseThrow();
        assertEquals(List.of("python3", "worker.py"), worker.command().argv());
        assertEquals(2, worker.instances());
        assertEquals(Duration.ofSeconds(2), worker.restart().restartDelay());
        assertEquals("hunter2hunter2", worker.env().get("DB_PASSWORD"));
    }

    @Test
    void noSecretsMeansNoEnvFile() throws Exception {
        Path eco = write("ecosystem.json", """
                [{"name": "web", "script": "npm", "args": "run start", "env": {"NODE_ENV": "production"}, "max_restarts": "many",
                  "env_": {"A": "1"}, "env_Staging-EU": {"A": "2"}, "log_date_format": "DD/MM/YY h:mm A"},
                 {"name": "two", "script": "x", "args": "--name 'a b'"}]
                """);
        Pm2Import.Result r = new Pm2Import().convert(eco, dir.resolve("berth.yml"), dir.resolve(".env.berth"));
        assertEquals(0, r.secretsMoved());
        assertNull(r.envFile());
        assertFalse(Files.exists(dir.resolve(".env.berth")));
        assertFalse(Files.readString(r.berthYml()).contains("env_file"));
        assertEquals(List.of(
                "web: max_restarts many is not understood and was left out (default 10)",
                "web: env_ is not a usable profile name and was left out",
                "web: env_Staging-EU is renamed env_staging_eu (profile names are lowercase letters, digits and _)",
                "web: log_date_format \"DD/MM/YY h:mm A\" cannot be written by Berth's log relay (it writes "
                        + TimestampPattern.SUPPORTED + "); using the default timestamp",
                "two: args is a string with quotes; Berth splits it on whitespace only: write args as a list if an argument has spaces"),
                r.notes());
        AppSpec web = new BerthFileLoader(Map.of(), dir).load(r.berthYml(), "staging_eu").apps().get(0);
        assertEquals(List.of("npm", "run", "start"), web.command().argv());
        assertEquals("2", web.env().get("A"));
        assertEquals(BerthFileLoader.DEFAULT_TIMESTAMP, web.logs().timestamp());
    }

    @Test
    void convertsAJsEcosystemWithNode() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed: the .js import is not tested here");
        Path eco = write("ecosystem.config.js", """
                const path = require('path');
                console.log('ecosystem files may print things');
                module.exports = {
                  apps: [{
                    name: 'web',
                    script: './server.js',
                    cwd: path.join(__dirname, 'app'),
                    instances: 2,
                    env: { PORT: 8080, GITHUB_TOKEN: 'ghp_' + '1234567890abcdefghijABCDEFGHIJ123456' },
                  }],
                  deploy: { production: { user: 'node' } },
                };
                """);
        Files.createDirectories(dir.resolve("app"));
        Path out = dir.resolve("out");
        Pm2Import.Result r = new Pm2Import().convert(eco, dir.resolve("berth.yml"), out.resolve("secrets.env"));
        assertEquals(1, r.apps());
        assertEquals(1, r.secretsMoved());
        String yml = Files.readString(r.berthYml());
        assertTrue(yml.contains("env_file: out/secrets.env"), yml);
        assertTrue(yml.contains("cwd: app"), yml);
        AppSpec web = new BerthFileLoader(Map.of(), dir).load(r.berthYml(), null).apps().get(0);
        assertEquals(List.of("node", "./server.js"), web.command().argv());
        assertEquals(dir.resolve("app"), web.cwd());
        assertEquals(8080, web.port());
        assertTrue(web.env().get("GITHUB_TOKEN").startsWith("ghp_"));
    }

    @Test
    void brokenJsReportsNodesError() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed: the .js import is not tested here");
        Path eco = write("ecosystem.config.js", "module.exports = { apps: [ ;\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pm2Import().convert(eco, dir.resolve("berth.yml"), dir.resolve(".env")));
        assertTrue(e.getMessage().contains("node could not evaluate it") && e.getMessage().contains("SyntaxError"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("berth.yml")));
    }

    @Test
    void anEcosystemFileOfMoreThan1MiBIsRefused() throws Exception {
        Path eco = write("ecosystem.json", "{\"apps\": [{\"name\": \"web\", \"script\": \"server.js\", \"env\": {\"PAD\": \""
                + " ".repeat(InputFiles.MAX_BYTES) + "\"}}]}");
        InputFiles.TooLarge e = assertThrows(InputFiles.TooLarge.class,
                () -> new Pm2Import().convert(eco, dir.resolve("berth.yml"), dir.resolve(".env")));
        assertTrue(e.getMessage().contains("more than the 1 MiB"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("berth.yml")));
    }

    @Test
    void missingNodeSaysWhatToDo() throws Exception {
        Path eco = write("ecosystem.config.js", "module.exports = {apps: []};\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Pm2Import(dir.resolve("no-such-node").toString()).convert(eco, dir.resolve("berth.yml"), dir.resolve(".env")));
        assertTrue(e.getMessage().startsWith("node is needed to read ecosystem.config.js"), e.getMessage());
        assertTrue(e.getMessage().contains("convert the file to JSON"), e.getMessage());
    }

    @Test
    void refusesToOverwriteUnlessForced() throws Exception {
        Path eco = write("ecosystem.json", ECOSYSTEM_JSON);
        Path yml = write("berth.yml", "# mine\n");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> new Pm2Import().convert(eco, yml, dir.resolve(".env.berth")));
        assertTrue(e.getMessage().startsWith(yml + ": already exists"), e.getMessage());
        assertEquals("# mine\n", Files.readString(yml));
        assertFalse(Files.exists(dir.resolve(".env.berth")), "nothing is written when one output is refused");

        Files.delete(yml);
        Path envFile = write(".env.berth", "KEEP=1\n");
        assertThrows(FileAlreadyExistsException.class, () -> new Pm2Import().convert(eco, yml, envFile));
        assertEquals("KEEP=1\n", Files.readString(envFile));
        assertFalse(Files.exists(yml));

        new Pm2Import().convert(eco, yml, envFile, true);
        assertTrue(Files.readString(envFile).contains("DB_PASSWORD="));
        assertTrue(Files.readString(yml).startsWith("# berth.yml converted"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no temp file left");
        }
    }

    @Test
    void appWithoutScriptIsLeftOutWithANote() throws Exception {
        Path eco = write("ecosystem.json", "{\"apps\": [{\"name\": \"a\"}, {\"name\": \"b\", \"script\": \"b.sh\"}]}");
        Pm2Import.Result r = new Pm2Import().convert(eco, dir.resolve("berth.yml"), dir.resolve(".env"));
        assertEquals(1, r.apps());
        assertTrue(r.notes().contains("a: has no script and was left out"), r.notes().toString());
        assertEquals(List.of("bash", "b.sh"), new BerthFileLoader(Map.of(), dir).load(r.berthYml(), null).apps().get(0).command().argv());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            YYYY-MM-DD HH:mm:ss         | yyyy-MM-dd HH:mm:ss
            YYYY-MM-DD HH:mm Z          | yyyy-MM-dd HH:mm xxx
            YYYY-MM-DDTHH:mm:ss.SSSZZ   | yyyy-MM-dd'T'HH:mm:ss.SSSxx
            [at] HH:mm                  | 'at 'HH:mm
            DD/MM/YY h:mm A             | dd/MM/yy h:mm a
            dddd HH:mm                  |
            Do MMM                      |
            X                           |
            """)
    void momentFormatsBecomeJavaTimePatterns(String moment, String java) {
        assertEquals(java == null ? Optional.empty() : Optional.of(java), MomentPattern.toJava(moment));
    }

    private static Map<String, String> withoutEnvFileExtras(Map<String, String> env, String... keys) {
        return Map.of(keys[0], env.get(keys[0]), keys[1], env.get(keys[1]), keys[2], env.get(keys[2]));
    }

    private static boolean nodeAvailable() {
        try {
            return new ProcessBuilder("node", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aJsEcosystemFileIsEvaluatedByNodeInItsDirectoryWithBoundedOutput() {
        var c = new Pm2Import("/usr/bin/node").nodeEvaluation(Path.of("/srv/app/ecosystem.config.js"));
        assertEquals("/usr/bin/node", c.program());
        assertEquals("-e", c.argv().get(1));
        assertEquals("/srv/app/ecosystem.config.js", c.argv().get(3));
        assertEquals(Path.of("/srv/app"), c.directory());
        assertEquals(Output.captured(InputFiles.MAX_BYTES), c.output());
        assertEquals(Duration.ofSeconds(30), c.timeout());
    }
}
