package dev.berth.alert;

import dev.berth.config.AlertsSpec.Webhook;
import dev.berth.json.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Berth's own JSON, for any endpoint:
 * {"title":…,"server":…,"alerts":[{"subject","state","value","threshold","since","message"}]},
 * with "since" in ISO-8601 UTC and absent values as null.
 */
final class GenericWebhook {
    private GenericWebhook() { }

    static HttpPost post(Webhook channel, String title, List<Alert> alerts) {
        List<Object> list = alerts.stream().<Object>map(a -> HttpPost.object(
                "subject", a.subject(),
                "state", a.state(),
                "value", a.value(),
                "threshold", a.threshold(),
                "since", a.since().toString(),
                "message", a.message())).toList();
        String body = Json.write(HttpPost.object("title", title, "server", AlertText.servers(alerts), "alerts", list));
        // Header names are case-insensitive: a configured content-type replaces ours rather than doubling it.
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(HttpPost.json(channel.url(), body).headers());
        headers.putAll(channel.headers());
        return new HttpPost(channel.url(), headers, body);
    }

    static String refusal(int status, String body) {
        return status / 100 == 2 ? null : Replies.http(status, body);
    }
}
