package dev.berth.alert;

import dev.berth.json.Json;
import java.util.Map;

/** Reading services' answers, which may be JSON, plain text or a proxy's HTML error page. */
final class Replies {
    private Replies() { }

    /** WeCom and DingTalk: HTTP 200 and {"errcode":0}; otherwise "errcode 310000: sign not match". */
    static String errcode(int status, String body) {
        Map<String, Object> reply = jsonOrNull(body);
        if (reply != null && reply.get("errcode") instanceof Number code) {
            if (code.longValue() == 0 && status == 200) return null;
            if (code.longValue() != 0) return "errcode " + code + ": " + reply.get("errmsg");
        }
        return http(status, body);
    }

    static String http(int status, String body) {
        return "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + brief(body));
    }

    static Map<String, Object> jsonOrNull(String body) {
        try {
            return Json.readMap(body);
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    /** The start of an answer on one line: enough to recognise, not a whole HTML page. */
    static String brief(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }
}
