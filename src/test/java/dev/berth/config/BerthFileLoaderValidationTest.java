package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Validation as one-line tables: a fragment of berth.yml -> the message it must produce, with its line:col.
 * App fragments go on line 4, column 5, under an app that already has a run: line.
 */
class BerthFileLoaderValidationTest {
    @TempDir Path dir;

    private static final String APP = """
            apps:
              web:
                run: node server.js
                %s
            """;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            instances: two                  | 4:16: apps.web.instances: expected an integer >= 1 or "max", got "two"
            instances: 0                    | 4:16: apps.web.instances: expected an integer >= 1 or "max", got "0"
            port: 70000                     | 4:11: apps.web.port: expected a port number from 1 to 65535, got "70000"
            port: "٣٠٠٠"                    | 4:11: apps.web.port: expected a port number from 1 to 65535, got "٣٠٠٠"
            instances: "２"                 | 4:16: apps.web.instances: expected an integer >= 1 or "max", got "２"
            port: [3000]                    | 4:11: apps.web.port: expected a port number from 1 to 65535, got a list
            max_memroy: 500M                | 4:5: apps.web.max_memroy: unknown key "max_memroy"; did you mean "max_memory"?
            maxMemory: 500M                 | 4:5: apps.web.maxMemory: unknown key "maxMemory"; did you mean "max_memory"?
            KILL_TIMEOUT: 5s                | did you mean "kill_timeout"?
            memory: 500M                    | 4:5: apps.web.memory: unknown key "memory"; valid keys here: run, cwd, env,
            env_fil: .env                   | did you mean "env_file"?
            max_memory: 500                 | 4:17: apps.web.max_memory: expected a size like 512K, 500M, 1G or 2T (powers of 1024), got "500": add a unit, like 500M
            max_memory: 0M                  | 4:17: apps.web.max_memory: expected a size like 512K, 500M, 1G or 2T (powers of 1024) and more than 0
            min_uptime: 10                  | 4:17: apps.web.min_uptime: expected a duration like 500ms, 10s, 5m, 1h or 2d (or combined, like 1m30s), got "10" (add a unit)
            kill_timeout: -5s               | 4:19: apps.web.kill_timeout: expected a duration like 500ms, 10s, 5m, 1h or 2d
            restart_delay: soon             | 4:20: apps.web.restart_delay: expected a duration
            max_restart_delay: 10ms         | 4:24: apps.web.max_restart_delay: must be at least restart_delay (100ms)
            cron_restart: "61 * * * *"      | 4:19: apps.web.cron_restart: expected a 5-field cron expression (minute hour day-of-month month day-of-week), like "0 3 * * *": Failed to parse cron expression. Value 61 not in range [0, 59]
            cron_restart: "0 0 3 * * *"     | 4:19: apps.web.cron_restart: expected a 5-field cron expression
            stop_signal: SIGFOO             | 4:18: apps.web.stop_signal: expected one of TERM, INT, QUIT, HUP, USR1, USR2, KILL (SIG prefix optional), got "SIGFOO"
            deploy: {git: r.git}            | 4:13: apps.web.deploy.path: expected path: the directory that holds releases/, shared/ and current
            deploy: {path: d}               | 4:13: apps.web.deploy: expected exactly one source: git (a repository), dir (a directory) or archive (.tar.gz, .tgz, .zip or .jar)
            deploy: {path: d, git: r, dir: x} | 4:13: apps.web.deploy: expected exactly one source: git (a repository), dir (a directory) or archive (.tar.gz, .tgz, .zip or .jar), got git and dir
            deploy: {path: d, archive: a.rar} | 4:32: apps.web.deploy.archive: expected a .tar.gz, .tgz, .zip or .jar file, got "a.rar"
            deploy: {path: d, git: "-oProxyCommand=touch /tmp/x"} | 4:28: apps.web.deploy.git: expected a name, not an option: it may not start with -, got "-oProxyCommand=touch /tmp/x"
            deploy: {path: d, git: "--upload-pack=touch /tmp/x@h:r"} | 4:28: apps.web.deploy.git: expected a name, not an option
            deploy: {path: d, git: r.git, branch: --help} | 4:43: apps.web.deploy.branch: expected a name, not an option: it may not start with -, got "--help"
            deploy: {path: d, git: r.git, branch: "a b"} | 4:43: apps.web.deploy.branch: expected a branch name, without spaces, got "a b"
            deploy: {path: d, dir: x, branch: main} | 4:31: apps.web.deploy.branch: applies only to a git source
            deploy: {path: d, dir: x, shared: [../up]} | 4:39: apps.web.deploy.shared: expected paths inside the release, like .env or uploads/, got "../up"
            deploy: {path: d, dir: x, instal: npm ci} | 4:31: apps.web.deploy.instal: unknown key "instal"; did you mean "install"?
            deploy: {path: d, dir: x, build: {run: make, timout: 5m}} | 4:50: apps.web.deploy.build.timout: unknown key "timout"; did you mean "timeout"?
            deploy: {path: d, dir: x, test: {timeout: 5m}} | 4:37: apps.web.deploy.test.run: expected run: the command line of the step
            deploy: {path: d, dir: x, settle: 1} | 4:39: apps.web.deploy.settle: expected a duration like 500ms, 10s, 5m, 1h or 2d (or combined, like 1m30s), got "1" (add a unit)
            deploy: {path: d, dir: x, health: healthz} | 4:39: apps.web.deploy.health: expected a path starting with /, like /healthz, got "healthz"
            deploy: {path: d, dir: x, health: /h} | apps.web.deploy.health: the health check needs the app's port: set apps.web.port
            deploy: {path: d, dir: x, backup: db} | apps.web.deploy.backup: no backup named "db" in this file's backups: (it has none)
            autorestart: yes                | 4:18: apps.web.autorestart: expected true or false, got "yes"
            backoff: 1                      | 4:14: apps.web.backoff: expected true or false, got "1"
            max_restarts: -1                | 4:19: apps.web.max_restarts: expected an integer >= 0, got "-1"
            script: app.js                  | 4:5: apps.web.script: use either run (a command line) or script (a program), not both
            args: [--port, 80]              | 4:5: apps.web.args: applies only with script; with run, put everything in the command line
            interpreter: node               | 4:5: apps.web.interpreter: applies only with script
            run: again                      | 4:5: apps.web.run: duplicate key "run" (first defined at line 3)
            cwd: nowhere                    | 4:10: apps.web.cwd: directory
            cwd: berth.yml                  | is not a directory
            env: [A, B]                     | 4:10: apps.web.env: expected a mapping of NAME: value, got a list
            env: {1BAD: x}                  | 4:11: apps.web.env.1BAD: environment variable names are letters, digits and _, not starting with a digit
            env: {A: {nested: 1}}           | 4:14: apps.web.env.A: expected a string, number or boolean, got a mapping
            env: {A: 1, A: 2}               | 4:17: apps.web.env.A: duplicate key "A" (first defined at line 4)
            env: {A: "a\\0b"}               | 4:14: apps.web.env.A: holds a NUL character, which no command line, environment variable or path can carry
            cwd: "x\\0"                     | 4:10: apps.web.cwd: holds a NUL character
            env_production: abc             | 4:21: apps.web.env_production: expected a mapping of NAME: value, got "abc"
            env_staging: {1X: y}            | 4:19: apps.web.env_staging.1X: environment variable names are letters, digits and _
            env_staging: {A: [y]}           | 4:22: apps.web.env_staging.A: expected a string, number or boolean, got a list
            env_staging: {A: "${B"}         | 4:22: apps.web.env_staging.A: "${" is never closed
            env_Production: {A: b}          | 4:5: apps.web.env_Production: profile names are lowercase letters, digits and _ (env_<profile>, like env_production), got "env_Production"
            env_file: missing.env           | 4:15: apps.web.env_file: env file
            env_file: [.env, missing.env]   | 4:22: apps.web.env_file[1]: env file
            env_file: {a: b}                | 4:15: apps.web.env_file: expected a path to a .env file or a list of them, got a mapping
            env_file: /proc/self/environ    | 4:15: apps.web.env_file: env file /proc/self/environ is not a file on disk but the kernel's (under /proc)
            port: ${NOPE}                   | 4:11: apps.web.port: variable ${NOPE} is not set: set NOPE in the environment or in an env_file, or give a default with ${NOPE:-value}
            env: {A: "${BROKEN"}            | 4:14: apps.web.env.A: "${" is never closed; write $${ for a literal "${"
            env: {A: "${1X}"}               | 4:14: apps.web.env.A: "${1X}" is not a valid reference
            ready: {http: /up}              | 4:13: apps.web.ready.http: readiness by http needs the app's port: set apps.web.port
            ready: {port: true}             | 4:13: apps.web.ready.port: readiness by port needs the app's port: set apps.web.port
            ready: {log: up, http: /x}      | 4:12: apps.web.ready: expected exactly one of port: true, http: /path, log: "text" or healthcheck: true, got log and http
            ready: {timeout: 5s}            | 4:12: apps.web.ready: expected exactly one of port: true, http: /path, log: "text" or healthcheck: true
            ready: {log: up, timeout: soon} | 4:31: apps.web.ready.timeout: expected a duration
            ready: {log: up, wait: 1s}      | 4:22: apps.web.ready.wait: unknown key "wait"; valid keys here: http, timeout, log, port
            ready: {logs: up}               | did you mean "log"?
            ready: true                     | 4:12: apps.web.ready: expected a mapping with one of port: true, http: /path, log: "text" or healthcheck: true, got "true"
            logs: {dir: ""}                 | 4:17: apps.web.logs.dir: expected a non-empty string
            logs: {merge: maybe}            | 4:19: apps.web.logs.merge: expected true or false, got "maybe"
            logs: {timestamp: "yyyy {"}     | 4:23: apps.web.logs.timestamp: expected true, false or a java.time DateTimeFormatter pattern like "yyyy-MM-dd HH:mm:ss", got "yyyy {"
            logs: {timestamp: "EEE HH:mm"}  | 4:23: apps.web.logs.timestamp: expected true, false or a java.time DateTimeFormatter pattern like "yyyy-MM-dd HH:mm:ss", got "EEE HH:mm": timestamp pattern "EEE HH:mm": "EEE" is not supported; use yyyy MM dd HH mm ss SSS XXX Z, and text in 'quotes'
            logs: {rotate: {size: 10}}      | 4:27: apps.web.logs.rotate.size: expected a size like 512K, 500M, 1G or 2T (powers of 1024), got "10": add a unit
            logs: {rotate: {keep: 0}}       | 4:27: apps.web.logs.rotate.keep: expected an integer >= 1, got "0"
            logs: {rotate: {keep: 3}}       | 4:20: apps.web.logs.rotate: expected size and/or age
            logs: {rotate: {sizes: 1M}}     | 4:21: apps.web.logs.rotate.sizes: unknown key "sizes"; did you mean "size"?
            logs: {rotte: {size: 1M}}       | 4:12: apps.web.logs.rotte: unknown key "rotte"; did you mean "rotate"?
            """)
    void appFragment(String fragment, String expected) throws Exception {
        Files.writeString(dir.resolve(".env"), "A=1\n");
        String problems = problemsOf(APP.formatted(fragment));
        assertTrue(problems.contains(expected), () -> "expected\n  " + expected + "\nin\n  " + problems);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                                  | berth.yml: the file is empty
            apps: [web]                         | 1:7: apps: expected a mapping of app name to app settings, got a list
            apps:                               | 1:1: apps: is required (unless the file has backups:, checks: or sites:): a mapping of app name to app settings
            apps: {}                            | 1:7: apps: expected at least one app
            [1, 2]                              | 1:1: expected a mapping with an apps: key, got a list
            aps: {web: {run: x}}                | 1:1: aps: unknown key "aps"; did you mean "apps"?
            apps: {web: {run: x}, web: {run: y}}| 1:23: apps.web: duplicate key "web" (first defined at line 1)
            apps: {Web: {run: x}}               | 1:8: apps.Web: app names are lowercase letters, digits and . _ - (starting with a letter or digit), at most 64 characters, got "Web"
            apps: {-web: {run: x}}              | 1:8: apps.-web: app names are lowercase letters
            apps: {web: {}}                     | 1:8: apps.web: expected run (a command line) or script (a program, with args)
            apps: {web: node server.js}         | 1:13: apps.web: expected a mapping of app settings (run or script, ...), got "node server.js"
            apps: {web: %s}                     | 1:13: apps.web: expected a mapping of app settings (run or script, ...), got "%60s..."
            apps: {[a]: {run: x, deploy: {path: d, dir: ., backup: nope}}} | 1:8: apps: a key must be a plain string, got a list
            apps: {web: {run: ""}}              | 1:19: apps.web.run: expected a non-empty string
            apps: {web: {run: "rm -rf /tmp/x\\0 /"}}| 1:19: apps.web.run: holds a NUL character, which no command line
            apps: {web: {run: x, port: 65535, instances: 2}}| 1:28: apps.web.port: with 2 instances, instance 1 would listen on 65536: the port is at most 65534
            apps: {web: {run: [a]}}             | 1:19: apps.web.run: expected a non-empty string, got a list
            apps: {web: {run: x}                | 1:21: invalid YAML: expected ',' or '}', but got <stream end> (while parsing a flow mapping)
            apps:\\n  web:\\n\\trun: x          | 3:1: invalid YAML
            checks: {api: {http: ftp://x}}      | 1:22: checks.api.http: expected an http:// or https:// URL, got "ftp://x"
            checks: {db: {tcp: localhost}}      | 1:20: checks.db.tcp: expected host:port, like 127.0.0.1:5432, got "localhost"
            checks: {db: {tcp: "x:٥٤٣٢"}}       | 1:20: checks.db.tcp: expected host:port, like 127.0.0.1:5432, got "x:٥٤٣٢"
            checks: {a: {http: "http://x", expect_status: ["٢٠٠"]}}| checks.a.expect_status: expected HTTP status codes (100 to 599), got "٢٠٠"
            checks: {d: {disk: /, warning: 120%}}| 1:32: checks.d.warning: expected a percentage from 0% to 100%, like 85%, got "120%"
            checks: {a: {http: http://x, tcp: "x:1"}}| 1:13: checks.a: expected exactly one kind: http, tcp, tls, command
            checks: {a: {tcp: "x:1", pattern: E}}| 1:26: checks.a.pattern: applies only to a log check
            checks: {a: {tcp: "x:1", interval: 0s}}| 1:36: checks.a.interval: expected a duration like 500ms, 10s, 5m, 1h or 2d (or combined, like 1m30s), at least 1s
            checks: {a: {tcp: "x:1", channels: [nope]}}| 1:37: checks.a.channels: no channel named "nope" in alerts.channels
            {checks: {a: {tcp: "x:1", channels: opps}}, alerts: {channels: {ops: {slack: "http://x"}}}}| 1:37: checks.a.channels: no channel named "opps" in alerts.channels; did you mean "ops"?
            checks: {e: {log: web, pattern: "("}}| checks.e.log: no app named "web"
            checks: {e: {log: ./x.log, pattern: "("}}| 1:37: checks.e.pattern: expected a regular expression: Unclosed group
            checks: {Api: {tcp: "x:1"}}         | 1:10: checks.Api: check names are lowercase letters
            checks: {c: {cpu: true, warning: 99%}}| 1:13: checks.c: warning (99.0) must be below critical (95.0), with the defaults counted; set both
            checks: {t: {tls: "x", warning: 3d, critical: 7d}}| 1:13: checks.t: warning (3.0 days) must be more days than critical (7.0 days)
            alerts: {channels: {ops: {dingtalk: "http://x", to: [a@b]}}}| 1:49: alerts.channels.ops.to: applies only to email channels
            alerts: {channels: {ops: {email: "smtp:25"}}}| alerts.channels.ops.from: expected from: the sender address
            alerts: {channels: {ops: {slack: "http://x", secret: s}}}| alerts.channels.ops.secret: applies only to dingtalk, feishu channels
            alerts: {channels: {ops: {webhook: "http://x", headers: {Host: y}}}}| 1:26: alerts.channels.ops: webhook channel 'ops' cannot set the Host header: the HTTP client sets it
            alerts: {maintenance: {w: {cron: "0 3 * * 0"}}}| alerts.maintenance.w: expected cron: (when it starts) and duration: (how long)
            monitor: {cpu: {warning: 80%, critcal: 90%}}| monitor.cpu.critcal: unknown key "critcal"; did you mean "critical"?
            """)
    void wholeFile(String yaml, String expected) throws Exception {
        // %s is a value of 70 characters, %60s its first 60
        String longValue = "v".repeat(70);
        expected = expected.replace("%60s", longValue.substring(0, 60));
        String problems = problemsOf(yaml.replace("\\n", "\n").replace("\\t", "\t").replace("%s", longValue));
        String wanted = expected;
        assertTrue(problems.contains(wanted), () -> "expected\n  " + wanted + "\nin\n  " + problems);
    }

    /** One error per cause: a field that needs a value already reported as wrong says nothing more. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            apps: {web: {run: x, port: abc, ready: {http: /up}}}       | 1:28: apps.web.port: expected a port number from 1 to 65535, got "abc"
            apps: {web: {run: x, port: "${NOPE}", ready: {port: true}}} | 1:28: apps.web.port: variable ${NOPE} is not set
            apps: {web: {run: x, port: 0, deploy: {path: d, dir: x, health: /h}}} | 1:28: apps.web.port: expected a port number from 1 to 65535, got "0"
            """)
    void onlyProblem(String yaml, String expected) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected\n  " + expected + "\nin\n  " + e.getMessage());
    }

    @Test
    void appNamesLongerThan64CharactersAreRefused() throws Exception {
        String name = "a".repeat(65);
        assertTrue(problemsOf("apps:\n  " + name + ":\n    run: x\n").contains("2:3: apps." + name + ": app names are"));
        assertEquals(1, load("apps:\n  " + "a".repeat(64) + ":\n    run: x\n").apps().size());
    }

    @Test
    void yamlSyntaxErrorsHaveTheirPosition() throws Exception {
        String problems = problemsOf("apps:\n  web:\n    run: x\n   port: 3000\n");
        assertTrue(problems.matches("(?s).*berth\\.yml:4:\\d+: invalid YAML: .*"), problems);
    }

    @Test
    void missingFileIsOneProblemWithoutPosition() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new BerthFileLoader(Map.of(), dir).load(dir.resolve("nope.yml"), null));
        assertEquals(List.of(new ConfigProblem(dir.resolve("nope.yml"), 0, 0, null, "file not found")), e.problems());
        assertEquals(dir.resolve("nope.yml") + ": file not found", e.getMessage());
    }

    @Test
    void reportsAllProblemsAtOnceInFileOrder() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                apps:
                  web:
                    run: node server.js
                    instances: two
                    max_memroy: 1G
                  worker:
                    script: worker.js
                    run: node worker.js
                    port: 0
                    stop_signal: STOP
                  Bad:
                    run: x
                """));
        List<String> where = e.problems().stream().map(p -> p.line() + ":" + p.column() + " " + p.field()).toList();
        assertEquals(List.of(
                "4:16 apps.web.instances",
                "5:5 apps.web.max_memroy",
                "7:5 apps.worker.script",
                "9:11 apps.worker.port",
                "10:18 apps.worker.stop_signal",
                "11:3 apps.Bad"), where);
        assertEquals(6, e.getMessage().lines().count());
    }

    @Test
    void undefinedProfileIsOneProblemNamingTheDefinedOnes() throws Exception {
        String yml = """
                apps:
                  web:
                    run: x
                    env_production: {A: "1"}
                  api:
                    run: y
                    env_staging: {A: "2"}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> load(yml, "prod"));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().endsWith("berth.yml: env profile \"prod\" is not defined by any app (no env_prod key); "
                + "defined profiles: production, staging"), e.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> load("apps: {web: {run: x}}", "production"));
        assertTrue(none.getMessage().contains("no app defines an env_<profile> key"), none.getMessage());
    }

    @Test
    void aProfileNotAppliedMayNameVariablesThatAreNotSetHere() throws Exception {
        String yml = "apps:\n  web:\n    run: x\n    env_production: {DB: \"${PROD_ONLY_VARIABLE}\"}\n    env_staging: {DB: s}\n";
        assertEquals("s", load(yml, "staging").apps().get(0).env().get("DB"));
        ConfigException applied = assertThrows(ConfigException.class, () -> load(yml, "production"));
        assertTrue(applied.getMessage().contains("4:26: apps.web.env_production.DB: variable ${PROD_ONLY_VARIABLE} is not set"),
                "unless it is applied: " + applied.getMessage());
    }

    private String problemsOf(String yaml) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        return e.getMessage();
    }

    private BerthFile load(String yaml) throws Exception {
        return load(yaml, null);
    }

    private BerthFile load(String yaml, String profile) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, yaml);
        return new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, profile);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            b: {dir: x, sqlite: y}              | 2:6: backups.b: expected exactly one source: postgres (a database), mysql (a database), mongo (a database), sqlite (a file), redis (true) or dir (a directory), got dir and sqlite
            b: {to: x}                          | 2:6: backups.b: expected exactly one source
            b: {postgres: app, compres: zstd}   | backups.b.compres: unknown key "compres"; did you mean "compress"?
            b: {postgres: app, compress: xz}    | backups.b.compress: expected zstd, gzip or none, got "xz"
            b: {postgres: app, schedule: hourly} | backups.b.schedule: expected a 5-field cron expression
            b: {postgres: app, port: 99999}     | backups.b.port: expected a port number from 1 to 65535, got "99999"
            b: {postgres: app, port: "٥٤٣٢"}    | backups.b.port: expected a port number from 1 to 65535, got "٥٤٣٢"
            b: {postgres: --help}               | 2:17: backups.b.postgres: expected a name, not an option: it may not start with -, got "--help"
            b: {postgres: "host=evil.example"}  | 2:17: backups.b.postgres: expected a database name, not a connection string (set host, port and user instead), got "host=evil.example"
            b: {postgres: "postgresql://x/y"}   | 2:17: backups.b.postgres: expected a database name, not a connection string
            b: {mysql: app, host: -oProxyCommand=x} | 2:25: backups.b.host: expected a name, not an option
            b: {mysql: app, user: --print-defaults} | 2:25: backups.b.user: expected a name, not an option
            b: {mongo: --eval, user: u}         | 2:14: backups.b.mongo: expected a name, not an option
            b: {redis: true, host: -x}          | 2:26: backups.b.host: expected a name, not an option
            b: {dir: x, host: h}                | backups.b.host: does not apply to a dir backup
            b: {sqlite: x, exclude: [a]}        | backups.b.exclude: applies only to a dir backup
            b: {redis: false}                   | backups.b.redis: true is the only value
            b: {dir: x, catch_up: false}        | backups.b.catch_up: applies only with a schedule
            B: {dir: x}                         | 2:3: backups.B: backup names are lowercase letters
            """)
    void backupFragment(String fragment, String expected) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, "backups:\n  " + fragment + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new BerthFileLoader(Map.of(), dir.resolve("logs")).load(file, null));
        String all = String.join("\n", e.problems().stream().map(Object::toString).toList());
        assertTrue(all.contains(expected), "expected\n  " + expected + "\n" + all);
    }
}
