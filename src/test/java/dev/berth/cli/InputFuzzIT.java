package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input never crashes, hangs or eats the machine. A few hundred berth.yml files mutated from the reference,
 * the documentation and the example (a fixed seed: a failing case is the same case next run), and the shapes that
 * used to crash, hang or fill the heap, are loaded in this JVM: each ends valid or in problems that name
 * file:line:column, within a second. A few go through the real {@code berth validate} with a 128 MB heap: exit 3,
 * the problem's place, and no stack trace.
 */
class InputFuzzIT extends BerthIT {
    private static final long SEED = 20_18_03L;
    private static final int CASES = 300;
    private static final Duration PER_CASE = Duration.ofSeconds(1);
    /** Problems of the whole file, which have no place. */
    private static final List<String> WHOLE_FILE = List.of("the file is empty", "env profile \"");
    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\n(.*?)```", Pattern.DOTALL);

    private static final String[] VALUES = {
        "", "~", "null", "-oProxyCommand=touch /tmp/x", "--help", "\"٣٠٠٠\"", "65535", "0", "-1", "99999999999999999999", "max",
        "true", "[a, b]", "{a: b}", "[[[[", "}}}", "\"${UNSET_VARIABLE}\"", "\"${\"", "\"$${x}\"", "\"\\0\"", "'unclosed", "\"unclosed",
        "&a x", "*a", "*nope", "!!binary x", "!custom x", "1e309", "0x1F", ".inf", "\"a\\u0000b\"", "|", ">", "- - - x", "? x",
        "x".repeat(300), "/proc/self/environ", "../../etc/passwd", "\"\\x01\"", "10s5m", "500", "1G", "\"*/5 * * * *\"", "\"61 * * * *\"",
        "http://[::1", "https://x:y@z/", "\"${A:-${B}}\"", "[*a, *a, *a]", "{a: {b: {c: {d: {e: {f: {g: x}}}}}}}", "\"host=evil\"",
        "\"x:٥٤٣٢\"", "\"\\t\\n\"", "@", "`", "%YAML 1.1", "---", "...", "'", "\"", "#", "&", "*", "!", "|-\n  x",
    };
    private static final String[] KEYS = {
        "[a]", "{b: c}", "\"\"", "K".repeat(300), "Web", "env_Prod", "-x", "? complex", "*alias", "&anchor k", "env_production",
        "port", "deploy", "backup", "channels", "env_file", "instances", "run", "script", "apps", "<<", "1BAD",
    };
    private static final String[] INSERTS = {
        "\0", "\u0001", "\t", "\r", "\u0085", "\u2028", "\uFEFF", "\uD800", "{", "[", "}", "]", ":", ": ", "- ", "&a ", "*a", "${", "\"", "'",
        "#", "\n", "\n  ", "\n    - ", "!!str ", "? ", ",", "\\", "%", "@",
    };

    private BerthFileLoader loader;
    private Path dir;

    @TestFactory Stream<DynamicTest> mutatedFilesAreValidOrProblemsWithTheirPlace() throws IOException {
        prepare();
        List<String> seeds = seeds();
        assertTrue(seeds.size() >= 10, "seeds: " + seeds.size());
        return IntStream.range(0, CASES).mapToObj(i -> {
            Random r = new Random(SEED + i);
            List<String> applied = new ArrayList<>();
            // the reference half the time: it has every key, so mutations reach every section
            int pick = r.nextInt(4) < 2 ? 0 : r.nextInt(seeds.size());
            byte[] content = mutate(seeds.get(pick), r, applied);
            // the reference and the example define env_production
            String profile = pick <= 1 && r.nextBoolean() ? "production" : null;
            return DynamicTest.dynamicTest("case " + i + ": " + String.join(", ", applied), () -> loads(content, profile));
        });
    }

    @TestFactory Stream<DynamicTest> theShapesThatUsedToFailAreProblemsAtTheirPlace() throws IOException {
        prepare();
        return Stream.of(
                shape("10,000 levels of {a: ", "apps: " + "{a: ".repeat(10_000), "berth.yml:1:203: nested more than 50 levels deep"),
                shape("2,000 levels of block lists", "apps:\n  - " + "- ".repeat(2_000) + "x\n", "berth.yml:2:101: nested more than 50 levels"),
                shape("1,000 levels of block mappings", blockMappings(1_000), "berth.yml:51:51: nested more than 50 levels"),
                shape("a 4 MB scalar", "apps:\n  web:\n    run: \"" + "x".repeat(4 << 20) + "\"\n", "berth.yml: the file is 4,194,329 bytes"),
                shape("a scalar-alias bomb", aliasBomb(), "berth.yml:4:12: with its aliases expanded, the file is more than 8M characters"),
                shape("an env_file with an unclosed quote and 100k lines", app("env_file: quote.env"), "quote.env:1:3: A: the value's \" is never closed"),
                shape("a list as an app key, with deploy.backup naming no backup",
                        "apps:\n  [a]:\n    run: x\n    deploy: {path: d, dir: ., backup: nope}\n", "berth.yml:2:3: apps: a key must be a plain string"),
                shape("env_production: abc", app("env_production: abc"), "berth.yml:4:21: apps.web.env_production: expected a mapping"),
                shape("a NUL in run", "apps:\n  web:\n    run: \"a\\0b\"\n", "berth.yml:3:10: apps.web.run: holds a NUL character"),
                shape("a NUL in an env value", app("env: {A: \"a\\0b\"}"), "berth.yml:4:14: apps.web.env.A: holds a NUL character"),
                shape("env_file: /proc/self/environ", app("env_file: /proc/self/environ"), "berth.yml:4:15: apps.web.env_file: env file /proc/self/environ is not a file on disk"),
                shape("port: \"٣٠٠٠\"", app("port: \"٣٠٠٠\""), "berth.yml:4:11: apps.web.port: expected a port number from 1 to 65535"),
                shape("port: 65535 with instances: 2", app("port: 65535\n    instances: 2"), "berth.yml:4:11: apps.web.port: with 2 instances, instance 1 would listen on 65536"),
                shape("an option as a database name", "backups:\n  db: {postgres: --help}\n", "berth.yml:2:18: backups.db.postgres: expected a name, not an option"),
                shape("an option as a host", "backups:\n  db: {mysql: app, host: -oProxyCommand=x}\n", "berth.yml:2:26: backups.db.host: expected a name, not an option"),
                shape("an option as a git URL", app("deploy: {path: d, git: \"-oProxyCommand=x\"}"), "berth.yml:4:28: apps.web.deploy.git: expected a name, not an option"),
                shape("an option as a branch", app("deploy: {path: d, git: r.git, branch: --help}"), "berth.yml:4:43: apps.web.deploy.branch: expected a name, not an option"),
                shape("a check naming an unknown channel", "checks: {a: {tcp: \"x:1\", channels: [nope]}}\n", "berth.yml:1:37: checks.a.channels: no channel named \"nope\""));
    }

    /** The real CLI, as a user runs it, with a small heap: what used to end in a stack trace ends in exit 3 and the problem's place. */
    @Test void theRealCliExits3WithThePlaceAndNoStackTraceOnA128MHeap() throws Exception {
        Path project = berth.project;
        Files.writeString(project.resolve("deep.yml"), "apps: " + "{a: ".repeat(10_000));
        Files.writeString(project.resolve("bomb.yml"), aliasBomb());
        try (RandomAccessFile f = new RandomAccessFile(project.resolve("huge.yml").toFile(), "rw")) {
            f.setLength((2L << 30) + 5); // sparse: no disk space
        }
        try (RandomAccessFile f = new RandomAccessFile(project.resolve("huge.env").toFile(), "rw")) {
            f.setLength((2L << 30) + 5);
        }
        Files.writeString(project.resolve("hugeenv.yml"), app("env_file: huge.env"));
        Files.writeString(project.resolve("quote.env"), "A=\"never closed\n" + "v\n".repeat(100_000));
        Files.writeString(project.resolve("quote.yml"), app("env_file: quote.env"));
        Files.writeString(project.resolve("listkey.yml"), "apps:\n  [a]:\n    run: x\n    deploy: {path: d, dir: ., backup: nope}\n");
        Map<String, String> where = Map.of(
                "deep.yml", "deep.yml:1:203: nested more than 50 levels deep",
                "bomb.yml", "bomb.yml:4:12: with its aliases expanded",
                "huge.yml", "huge.yml: the file is 2,147,483,653 bytes, more than the 1 MiB",
                "hugeenv.yml", "hugeenv.yml:4:15: apps.web.env_file: env file " + project.resolve("huge.env") + " is 2,147,483,653 bytes",
                "quote.yml", "quote.env:1:3: A: the value's \" is never closed",
                "listkey.yml", "listkey.yml:2:3: apps: a key must be a plain string, got a list");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(where).entrySet()) {
            long t0 = System.nanoTime();
            BerthRun.Result r = berth.run(Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m"), "validate", e.getKey());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            boolean trace = r.all().contains("\tat ") || r.all().contains("Exception in thread") || r.all().contains("Error:");
            if (r.exit() != 3 || !r.err().contains(e.getValue()) || trace || ms >= 10_000) {
                // 10 s: a JVM start on a busy machine, and the second validating may take
                failures.add(e.getKey() + " (" + ms + " ms): expected exit 3, " + e.getValue() + " and no stack trace; got " + r);
            }
        }
        assertEquals(List.of(), failures);
    }

    // ---- one case -------------------------------------------------------------------------------

    private void loads(byte[] content, String profile) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.write(file, content);
        long t0 = System.nanoTime();
        ConfigException problems = assertTimeoutPreemptively(PER_CASE.multipliedBy(5), () -> {
            try {
                loader.load(file, profile);
                return null;
            } catch (ConfigException e) {
                return e;
            }
            // anything else (an Error, a RuntimeException) fails the case with its stack trace
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < PER_CASE.toMillis(), "took " + ms + " ms");
        if (problems == null) return; // valid: exit 0
        assertFalse(problems.problems().isEmpty());
        for (ConfigProblem p : problems.problems()) {
            String shown = p.toString();
            assertTrue(p.file().startsWith(dir), "a file of this test: " + shown);
            assertTrue(p.line() > 0 || WHOLE_FILE.stream().anyMatch(p.message()::startsWith), "file:line:column: " + shown);
            assertTrue(shown.length() < 2_000, "a clear message, not the input: " + shown.length() + " characters");
        }
    }

    private DynamicTest shape(String what, String content, String expected) {
        return DynamicTest.dynamicTest(what, () -> {
            Path file = dir.resolve("berth.yml");
            Files.writeString(file, content);
            ConfigException e = assertTimeoutPreemptively(PER_CASE, () -> {
                try {
                    loader.load(file, null);
                } catch (ConfigException problems) {
                    return problems;
                }
                return fail("loaded without a problem");
            });
            assertTrue(e.getMessage().contains(expected), () -> "expected\n  " + expected + "\nin\n  " + e.getMessage());
        });
    }

    // ---- inputs ---------------------------------------------------------------------------------

    /** The project directory with the env files the reference names, so that its unmutated form is valid. */
    private void prepare() throws IOException {
        dir = berth.project;
        loader = new BerthFileLoader(Map.of(), dir.resolve("logs"));
        Files.writeString(dir.resolve(".env"), "DATABASE_URL=postgres://app@localhost/app\n");
        Files.writeString(dir.resolve(".env.alerts"), "WECOM_WEBHOOK=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\n"
                + "DINGTALK_WEBHOOK=https://oapi.dingtalk.com/robot/send?access_token=t\nDINGTALK_SECRET=SECd\n"
                + "FEISHU_WEBHOOK=https://open.feishu.cn/open-apis/bot/v2/hook/h\nFEISHU_SECRET=fs\nSLACK_WEBHOOK=https://hooks.slack.com/services/x\n"
                + "SMTP_PASSWORD=pw\nHOOK_TOKEN=ht\n");
        Files.writeString(dir.resolve(".env.backup"), "PGPASSWORD=p\nS3_ACCESS_KEY=AKID1\nS3_SECRET_KEY=s3-secret\n");
        Files.writeString(dir.resolve("quote.env"), "A=\"never closed\n" + "v\n".repeat(100_000));
        Files.createDirectories(dir.resolve("scripts"));
    }

    /** reference.yml, the example, and every yaml block of the documentation, in that order. */
    private static List<String> seeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        seeds.add(Files.readString(BerthRun.ROOT.resolve("src/main/resources/dev/berth/config/reference.yml")));
        seeds.add(Files.readString(BerthRun.ROOT.resolve("example/berth.yml")));
        for (String doc : List.of("docs/berth-yml.md", "README.md", "README.zh-CN.md")) {
            Matcher m = YAML_BLOCK.matcher(Files.readString(BerthRun.ROOT.resolve(doc)));
            while (m.find()) seeds.add(m.group(1));
        }
        return seeds;
    }

    /** One to three mutations of the seed, each named in applied. */
    private static byte[] mutate(String seed, Random r, List<String> applied) {
        List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
        boolean flipByte = false;
        int count = 1 + r.nextInt(3);
        for (int k = 0; k < count && !lines.isEmpty(); k++) {
            int at = r.nextInt(lines.size());
            String line = lines.get(at);
            int colon = line.indexOf(": ");
            switch (r.nextInt(11)) {
                case 0 -> {
                    lines.remove(at);
                    applied.add("delete line " + (at + 1));
                }
                case 1 -> {
                    lines.add(at, line);
                    applied.add("repeat line " + (at + 1));
                }
                case 2 -> {
                    int other = r.nextInt(lines.size());
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                    applied.add("swap lines " + (at + 1) + " and " + (other + 1));
                }
                case 3 -> {
                    int by = 1 + r.nextInt(4);
                    lines.set(at, r.nextBoolean() ? " ".repeat(by) + line : line.substring(Math.min(by, line.length() - line.stripLeading().length())));
                    applied.add("indent line " + (at + 1));
                }
                case 4 -> {
                    String v = VALUES[r.nextInt(VALUES.length)];
                    lines.set(at, (colon < 0 ? line + ": " : line.substring(0, colon + 2)) + v);
                    applied.add("value of line " + (at + 1) + " := " + shorten(v));
                }
                case 5 -> {
                    String ins = INSERTS[r.nextInt(INSERTS.length)];
                    int pos = line.isEmpty() ? 0 : r.nextInt(line.length() + 1);
                    lines.set(at, line.substring(0, pos) + ins + line.substring(pos));
                    applied.add("insert " + shorten(ins) + " in line " + (at + 1));
                }
                case 6 -> {
                    int pos = line.isEmpty() ? 0 : r.nextInt(line.length());
                    lines.subList(at + 1, lines.size()).clear();
                    lines.set(at, line.substring(0, pos));
                    applied.add("cut at line " + (at + 1) + " column " + (pos + 1));
                }
                case 7 -> {
                    String key = KEYS[r.nextInt(KEYS.length)];
                    String indent = line.substring(0, line.length() - line.stripLeading().length());
                    lines.set(at, indent + key + (colon < 0 ? ":" : line.substring(colon)));
                    applied.add("key of line " + (at + 1) + " := " + shorten(key));
                }
                case 8 -> {
                    int depth = 20 + r.nextInt(60); // about half past the limit
                    lines.set(at, (colon < 0 ? line + ": " : line.substring(0, colon + 2)) + "{a: ".repeat(depth) + "x" + "}".repeat(depth));
                    applied.add("nest line " + (at + 1) + " " + depth + " deep");
                }
                case 9 -> {
                    flipByte = true;
                    applied.add("a byte that is not UTF-8");
                }
                default -> {
                    lines.set(at, (colon < 0 ? line + ": " : line.substring(0, colon + 2)) + "&a " + (colon < 0 ? "x" : line.substring(colon + 2)));
                    int other = at + r.nextInt(lines.size() - at); // after the anchor, mostly
                    String o = lines.get(other);
                    int oc = o.indexOf(": ");
                    lines.set(other, (oc < 0 ? o + ": " : o.substring(0, oc + 2)) + "*a");
                    applied.add("anchor line " + (at + 1) + ", alias in line " + (other + 1));
                }
            }
        }
        byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        if (flipByte && bytes.length > 0) bytes[r.nextInt(bytes.length)] = (byte) (0x80 | r.nextInt(0x80));
        return bytes;
    }

    private static String shorten(String s) {
        String t = s.replace("\n", "\\n").replace("\0", "\\0");
        return t.length() > 20 ? t.substring(0, 20) + "..." : t;
    }

    private static String app(String fragment) {
        return "apps:\n  web:\n    run: x\n    " + fragment + "\n";
    }

    private static String aliasBomb() {
        return "apps:\n  web:\n    script: app.js\n    args: [&s \"" + "y".repeat(900 << 10) + "\"" + ", *s".repeat(20_000) + "]\n";
    }

    private static String blockMappings(int levels) {
        StringBuilder b = new StringBuilder("apps:\n");
        for (int i = 1; i <= levels; i++) b.append(" ".repeat(i)).append("k:\n");
        return b.toString();
    }
}
