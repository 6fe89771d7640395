package dev.berth.alert;

import dev.berth.config.AlertsSpec.Channel;
import dev.berth.config.AlertsSpec;
import dev.berth.json.Json;
import dev.berth.store.CheckRecords;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides what happens to an alert: recorded always (`berth alerts`), then silenced, held back
 * by a maintenance window, or queued for its channels. Alerts raised within group_wait of each
 * other go out as one message per channel; the outbox keeps each robot's rate limit. Every
 * alert's record ends saying where it went and what failed.
 */
public final class AlertRouter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertRouter.class.getName());

    private static final String QUEUED = "queued";
    private static final String SENT_TO = "sent to ";

    /** What to raise. target is what a silence names (a check, an app, backup:NAME). */
    public record Raise(String target, String subject, String state, String value, String threshold, Instant since, String message,
                       List<String> channels) { }

    private final CheckRecords store;
    private final AlertOutbox outbox;
    private final ChannelSender sender;
    private final Supplier<AlertsSpec> config;
    private final Clock clock;
    private final ZoneId zone;
    private final String hostName;

    /** Waiting for group_wait to pass: channel name -> alerts, and when the first came. */
    private final Map<String, List<Alert>> pending = new LinkedHashMap<>();
    private final Map<String, Instant> pendingSince = new LinkedHashMap<>();
    /** Record id of each queued alert, and where it has gone so far. */
    private final Map<Alert, Long> ids = new IdentityHashMap<>();
    private final Map<Long, Set<String>> sentTo = new LinkedHashMap<>();
    private final Map<Long, Map<String, String>> failedAt = new LinkedHashMap<>();
    /** How many channels each queued alert goes to: once all have answered, its entries are dropped. */
    private final Map<Long, Integer> expected = new LinkedHashMap<>();
    private final Thread flusher;
    private volatile boolean closed;

    public AlertRouter(CheckRecords store, ChannelSender sender, Supplier<AlertsSpec> config, Clock clock, ZoneId zone) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.zone = zone;
        this.hostName = localHostName();
        this.sender = sender;
        this.outbox = new AlertOutbox(sender, this::delivered);
        this.outbox.start();
        this.flusher = Thread.ofVirtual().name("berth-alert-groups").start(this::flushLoop);
    }

    public static String localHostName() {
        try {
            String h = Files.readString(Path.of("/etc/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException ignored) {
            // fall back to the resolver below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Alerts a killed daemon recorded as queued but never sent: sent now when under an hour old
     * (once the channels are known, see {@link #flush}), else recorded as lost. Never silently dropped.
     */
    public void resumeQueued() {
        long now = clock.millis();
        try {
            Set<Long> held;
            synchronized (this) {
                held = new HashSet<>(ids.values());
            }
            for (CheckRecords.AlertRecord r : store.queued()) {
                if (held.contains(r.id())) continue; // raised by this daemon already
                if (now - r.at() > 3_600_000L) {
                    store.setDelivery(r.id(), "not sent", "the berth daemon stopped before sending it");
                    continue;
                }
                Alert a = new Alert(server(), r.subject(), r.state(), r.value(), r.threshold(),
                        Instant.ofEpochMilli(r.since() != null ? r.since() : r.at()), r.message());
                List<String> channels = new ArrayList<>();
                for (Object o : Json.readList(r.channels() == null ? "[]" : r.channels())) channels.add(String.valueOf(o));
                int sent = r.delivery().indexOf(SENT_TO);
                List<String> already = sent < 0 ? List.of() : List.of(r.delivery().substring(sent + SENT_TO.length()).split(", "));
                channels.removeAll(already); // reached before the previous daemon died
                if (channels.isEmpty()) {
                    store.setDelivery(r.id(), "sent (" + String.join(", ", already) + ")", null);
                    continue;
                }
                if (!already.isEmpty()) {
                    synchronized (this) {
                        sentTo.put(r.id(), new TreeSet<>(already));
                    }
                }
                synchronized (this) {
                    ids.put(a, r.id());
                    expected.put(r.id(), channels.size() + already.size());
                    for (String c : channels) {
                        pending.computeIfAbsent(c, k -> new ArrayList<>()).add(a);
                        pendingSince.putIfAbsent(c, clock.instant());
                    }
                    notifyAll();
                }
            }
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the alerts a previous daemon left queued", e);
        }
    }

    public String server() {
        AlertsSpec spec = config.get();
        return spec.server() != null ? spec.server() : hostName;
    }

    /** Records the alert and queues it (unless silenced or in a maintenance window); returns its record id. */
    public long raise(Raise r) {
        Instant now = clock.instant();
        AlertsSpec spec = config.get();
        List<AlertsSpec.Channel> channels = spec.channels().stream()
                .filter(c -> r.channels() == null || r.channels().isEmpty() || r.channels().contains(c.name())).toList();
        String delivery;
        String why = null;
        try {
            CheckRecords.Silence s = store.silences(now.toEpochMilli()).stream().filter(x -> matches(x.target(), r.target())).findFirst().orElse(null);
            AlertsSpec.Maintenance m = MaintenanceWindows.active(spec.maintenance(), now, zone);
            if (s != null) {
                delivery = "silenced";
                why = "silenced until " + Instant.ofEpochMilli(s.until()) + (s.reason() == null ? "" : " (" + s.reason() + ")");
            } else if (m != null) {
                delivery = "maintenance";
                why = "in the maintenance window " + m.cron() + " for " + m.duration();
            } else if (channels.isEmpty()) {
                delivery = "no channel";
            } else {
                delivery = QUEUED;
            }
            long id = store.addAlert(now.toEpochMilli(), r.subject(), r.state(), r.value(), r.threshold(),
                    r.since() == null ? null : r.since().toEpochMilli(), r.message(), delivery,
                    Json.write(channels.stream().map(AlertsSpec.Channel::name).toList()), why);
            if (delivery.equals(QUEUED)) {
                Alert a = new Alert(server(), r.subject(), r.state(), r.value(), r.threshold(), r.since() == null ? now : r.since(), r.message());
                synchronized (this) {
                    ids.put(a, id);
                    expected.put(id, channels.size());
                    for (AlertsSpec.Channel c : channels) {
                        pending.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(a);
                        pendingSince.putIfAbsent(c.name(), now);
                    }
                    notifyAll();
                }
            }
            return id;
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record an alert: " + r.subject(), e);
            return -1;
        }
    }

    /** A silence on "web" covers app web, its app:web check and events of web; "backup:x" covers that backup. */
    public static boolean matches(String silence, String target) {
        if (target == null) return false;
        if (silence.equals(target)) return true;
        if (target.startsWith("app:") && target.substring(4).equals(silence)) return true;
        return silence.equals("all");
    }

    /** Sends a test message to one channel of spec now, bypassing silences; throws with the channel's own error. */
    public static void test(AlertsSpec spec, String channelName, String server) throws AlertSendException {
        AlertsSpec.Channel c = spec.channels().stream().filter(x -> x.name().equals(channelName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no channel named \"" + channelName + "\" in alerts.channels"
                        + (spec.channels().isEmpty() ? " (there are none)" : "; channels: "
                        + String.join(", ", spec.channels().stream().map(AlertsSpec.Channel::name).toList()))));
        try (ChannelSender sender = new ChannelSender()) {
            sender.send(c, "berth test message", List.of(new Alert(spec.server() != null ? spec.server() : server, "test from berth",
                    Alert.INFO, null, null, Instant.now(), "a test message from `berth alert test " + channelName + "`: this channel works")));
        }
    }

    /** Sleeps until something waits for its group_wait to pass (an idle daemon does not wake up for this). */
    private void flushLoop() {
        while (!closed) {
            try {
                synchronized (this) {
                    while (pendingSince.isEmpty() && !closed) wait();
                }
                Thread.sleep(250);
                flush(false);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "alert flush failed", e);
            }
        }
    }

    /** Hands each channel's group to the outbox once group_wait has passed since its first alert (all, with force). */
    public void flush(boolean force) {
        Instant now = clock.instant();
        AlertsSpec spec = config.get();
        Map<String, List<Alert>> ready = new LinkedHashMap<>();
        synchronized (this) {
            for (var it = pendingSince.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (force || !e.getValue().plus(spec.groupWait()).isAfter(now)) {
                    ready.put(e.getKey(), pending.remove(e.getKey()));
                    it.remove();
                }
            }
        }
        for (var e : ready.entrySet()) {
            AlertsSpec.Channel c = spec.channels().stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
            if (c == null) { // removed from berth.yml meanwhile: recorded, not silently dropped
                delivered(new Delivery(e.getKey(), title(e.getValue()), e.getValue(), 0, false, "the channel was removed from berth.yml"));
                continue;
            }
            List<Alert> group = e.getValue();
            outbox.submit(c, title(group), group);
        }
    }

    static String title(List<Alert> group) {
        if (group.size() == 1) {
            Alert a = group.get(0);
            return (a.state().equals(Alert.OK) ? "RECOVERED" : a.state()) + ": " + a.subject();
        }
        long bad = group.stream().filter(a -> a.state().equals(Alert.CRITICAL) || a.state().equals(Alert.WARNING)).count();
        return group.size() + " alerts" + (bad > 0 ? " (" + bad + " failing)" : "");
    }

    /** Waits until every queued message has been sent or given up on. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        flush(true);
        return outbox.awaitIdle(timeout);
    }

    /** Records where an alert went; per router one at a time, so two channels answering at once never overwrite each other. */
    private void delivered(Delivery d) {
        if (closed && !d.delivered()) return; // stopping: left queued for the next daemon
        for (Alert a : d.alerts()) {
            synchronized (this) {
                Long id = ids.get(a);
                if (id == null) continue;
                if (d.delivered()) sentTo.computeIfAbsent(id, k -> new TreeSet<>()).add(d.channel());
                else failedAt.computeIfAbsent(id, k -> new TreeMap<>()).put(d.channel(), d.problem());
                Set<String> ok = sentTo.getOrDefault(id, Set.of());
                Map<String, String> bad = failedAt.getOrDefault(id, Map.of());
                boolean done = ok.size() + bad.size() >= expected.getOrDefault(id, 0);
                // until every channel has answered the row stays queued, saying where it went: a daemon killed
                // now is followed by one that sends it to the channels still missing
                String summary = !done ? QUEUED + "; " + SENT_TO + String.join(", ", ok)
                        : (bad.isEmpty() ? "sent" : ok.isEmpty() ? "failed" : "partly sent") + (ok.isEmpty() ? "" : " (" + String.join(", ", ok) + ")");
                String error = bad.isEmpty() ? null : String.join("; ", bad.entrySet().stream().map(x -> x.getKey() + ": " + x.getValue()).toList());
                if (done) {
                    ids.remove(a);
                    sentTo.remove(id);
                    failedAt.remove(id);
                    expected.remove(id);
                }
                try {
                    store.setDelivery(id, summary, error);
                } catch (StoreException e) {
                    LOG.log(Level.WARNING, "cannot record an alert's delivery", e);
                }
            }
            if (!d.delivered()) LOG.warning("alert \"" + a.subject() + "\" could not be sent to " + d.channel() + ": " + d.problem());
        }
    }

    /**
     * Stops sending. Alerts not yet sent stay recorded as queued, and the next daemon sends them
     * (resumeQueued): a restart within group_wait of an incident loses nothing.
     */
    @Override public void close() {
        closed = true;
        flusher.interrupt();
        outbox.close();
        sender.close();
    }
}
