package dev.berth.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The alerts and the fixed time the format tests share. */
final class Fixtures {
    /** 2023-11-14T22:13:20Z, 06:13:20 the next morning in Shanghai. */
    static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final Clock CLOCK = Clock.fixed(NOW, SHANGHAI);
    static final String TITLE = "web-01: 1 check failing, 1 app recovered";

    static final Alert HTTP_API = new Alert("web-01", "check http-api", Alert.CRITICAL, "3412 ms", "> 3000 ms",
            NOW.minus(Duration.ofMinutes(5)), "GET /health answered in 3412 ms");
    static final Alert APP_WEB = new Alert("web-01", "app web", Alert.OK, null, null,
            NOW.minus(Duration.ofHours(2)), "running again after 3 restarts");
    static final List<Alert> BOTH = List.of(HTTP_API, APP_WEB);

    private Fixtures() { }

    static Alert check(String subject) {
        return new Alert("web-01", subject, Alert.CRITICAL, "91%", "> 90%", NOW, "");
    }

    /** A JSON object as the codec reads one back; unlike Map.of it takes nulls. */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return out;
    }

    /** HmacSHA256 written out here, apart from the code under test. */
    static byte[] hmacSha256(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
