package dev.berth.alert;

import java.util.List;

/**
 * What became of one message: sent, or given up on after its attempts, with the reason.
 * Every alert handed to {@link AlertOutbox} ends up in exactly one of these.
 *
 * @param channel   the channel's name
 * @param delivered the service took it (possibly with {@code problem} set: WeCom's @mention follow-up failed)
 * @param problem   why it was not delivered, or what went wrong around it; null when all went well
 */
public record Delivery(String channel, String title, List<Alert> alerts, int attempts, boolean delivered, String problem) {
    public Delivery {
        alerts = List.copyOf(alerts);
    }
}
