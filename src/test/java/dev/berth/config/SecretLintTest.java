package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretLintTest {
    @TempDir Path dir;

    // test fixtures that look like secrets, built so that they are not secrets in this source file
    private static final String AWS = "AKIA" + "IOSFODNN7EXAMPLE";
    private static final String GITHUB = "ghp_" + "1234567890abcdefghijABCDEFGHIJ123456";
    private static final String SLACK = "xoxb-" + "123456789012-abcdefghijkl";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    private static final String RANDOM = "q8Vz3LmP0xT7rK2wN9bY4cJ6hD1sF5gA";

    /** Two shapes were searched for from every position of a value: a long run of letters took minutes. */
    @ParameterizedTest
    @CsvSource({"x", "eyJ", "x+"})
    void aValueOfAMegabyteIsScannedInLinearTime(String run) throws Exception {
        String value = run.repeat((1000 << 10) / run.length());
        List<LintWarning> warnings = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> scan("apps:\n  web:\n    run: " + value + "\n"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void findsLiteralSecretsByKeyNameAndShape() throws Exception {
        List<LintWarning> warnings = scan("""
                apps:
                  web:
                    run: node server.js --token=%s
                    env:
                      DB_PASSWORD: hunter2hunter2
                      AWS_KEY_ID: %s
                      GH: %s
                      SLACK: %s
                      SESSION: %s
                      SIGNING: %s
                      DATABASE_URL: postgres://app:s3cretpw@db:5432/app
                      BASIC_AUTH: admin-admin
                    env_production:
                      STRIPE_SECRET_KEY: sk_live_abc
                    args: ["-----BEGIN RSA PRIVATE KEY-----"]
                """.formatted(GITHUB, AWS, GITHUB, SLACK, JWT, RANDOM));
        assertEquals(List.of(
                "apps.web.run", "apps.web.env.DB_PASSWORD", "apps.web.env.AWS_KEY_ID", "apps.web.env.GH", "apps.web.env.SLACK",
                "apps.web.env.SESSION", "apps.web.env.SIGNING", "apps.web.env.DATABASE_URL", "apps.web.env.BASIC_AUTH",
                "apps.web.env_production.STRIPE_SECRET_KEY", "apps.web.args[0]"),
                warnings.stream().map(LintWarning::field).toList());
        LintWarning password = warnings.get(1);
        assertEquals(5, password.line());
        assertEquals(20, password.column());
        assertEquals(dir.resolve("berth.yml") + ":5:20: apps.web.env.DB_PASSWORD: literal secret (its name contains \"password\","
                + " value hun***): move it out of berth.yml: put DB_PASSWORD=... in an env file referenced by env_file:"
                + " and write ${DB_PASSWORD} here", password.toString());
        assertTrue(warnings.get(2).message().contains("AWS access key id"), warnings.get(2).message());
        assertTrue(warnings.get(0).message().contains("GitHub token") && warnings.get(0).message().contains("${GITHUB_TOKEN}"),
                warnings.get(0).message());
        assertTrue(warnings.get(7).message().contains("URL with a password"), warnings.get(7).message());
    }

    @Test
    void messagesNeverContainTheSecret() throws Exception {
        List<LintWarning> warnings = scan("apps:\n  web:\n    env:\n      API_TOKEN: %s\n      PASSWORD: short\n".formatted(RANDOM));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).message().contains("value q8V***"), warnings.get(0).message());
        assertFalse(warnings.get(0).toString().contains(RANDOM.substring(0, 4)));
        assertTrue(warnings.get(1).message().contains("value ***)"), "short secrets show nothing: " + warnings.get(1).message());
        assertFalse(warnings.get(1).toString().contains("short"));
    }

    @Test
    void doesNotFlagReferencesOrOrdinaryValues() throws Exception {
        List<LintWarning> warnings = scan("""
                apps:
                  web:
                    run: node server.js --max-old-space-size=4096
                    env_file: .env
                    env:
                      DB_PASSWORD: ${DB_PASSWORD}
                      API_KEY: ${API_KEY:-}
                      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app
                      REDIS_URL: redis://localhost:6379/0
                      TOKEN_TTL: 3600
                      AUTH_ENABLED: true
                      AUTH_URL: https://auth.example.com/oauth/authorize
                      TOKEN_FILE: /run/secrets/token
                      AUTHOR: Jane Doe
                      NODE_ENV: production
                      ASSETS: node_modules/.bin/webpack-cli-production-build
                      EMPTY_SECRET:
                      UUIDISH: abcdefabcdefabcdefabcdefabcdef
                """);
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            q8Vz3LmP0xT7rK2wN9bY4cJ6hD1sF5gA   | true
            aaaaaaaaaaaaaaaaaaaaaaaaaaaa1111   | false
            abcdefghijklmnopqrstuvwxyzABCDEF   | false
            q8Vz3LmP0xT7rK2wN9b                | false
            /srv/app/releases/20250101T0000a1b2 | false
            """)
    void highEntropyNeedsLengthLettersDigitsAndRandomness(String token, boolean random) {
        assertEquals(random, SecretDetector.looksRandom(token));
    }

    @Test
    void brokenYamlIsAConfigException() throws Exception {
        Files.writeString(dir.resolve("berth.yml"), "apps: {web: [\n");
        assertThrows(ConfigException.class, () -> new SecretLint().scan(dir.resolve("berth.yml")));
    }

    private List<LintWarning> scan(String yml) throws Exception {
        Path file = dir.resolve("berth.yml");
        Files.writeString(file, yml);
        return new SecretLint().scan(file);
    }
}
