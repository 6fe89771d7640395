package dev.berth.alert;

import dev.berth.config.AlertsSpec.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Where alerts wait for their channel. Each channel has its own queue and its own virtual
 * thread, so a slow mail server does not hold up the WeCom robot. A channel's rate limit is
 * kept over a sliding window; what queues up meanwhile goes out merged into the next
 * message instead of being dropped. A failed message is tried again after a backoff, then
 * given up on, and every message ends as exactly one {@link Delivery} to the listener:
 * nothing is lost without a word, nothing is reported as sent that was not.
 */
public final class AlertOutbox implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertOutbox.class.getName());
    /** Beyond this many alerts a message lists subjects only, grouped by server and state. */
    static final int SUMMARY_ABOVE = 50;
    static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30));

    private final ChannelSender sender;
    private final Consumer<Delivery> listener;
    private final Clock clock;
    private final List<Duration> backoff;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a lane finishes a send or goes to sleep: what {@link #awaitIdle} waits for. */
    private final Condition settled = lock.newCondition();
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private boolean started;
    private boolean closed;

    /** Three attempts per message, 5 s and 30 s apart. */
    public AlertOutbox(ChannelSender sender, Consumer<Delivery> listener) {
        this(sender, listener, Clock.systemUTC(), DEFAULT_BACKOFF);
    }

    /**
     * @param clock   rate limits and backoffs are measured on it (a test can move it instead of sleeping)
     * @param backoff waits between attempts; its size plus one is the number of attempts
     */
    public AlertOutbox(ChannelSender sender, Consumer<Delivery> listener, Clock clock, List<Duration> backoff) {
        this.sender = sender;
        this.listener = listener;
        this.clock = clock;
        this.backoff = List.copyOf(backoff);
    }

    public void start() {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the alert outbox is closed");
            if (started) return;
            started = true;
            lanes.values().forEach(Lane::start);
        } finally {
            lock.unlock();
        }
    }

    /** Queues one message; returns at once. The newest settings of a channel (by name) are used. */
    public void submit(Channel channel, String title, List<Alert> alerts) {
        if (alerts.isEmpty()) return;
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the alert outbox is closed");
            Lane lane = lanes.computeIfAbsent(channel.name(), name -> new Lane());
            lane.channel = channel;
            lane.queued.add(new Message(title, List.copyOf(alerts), 0, null));
            if (started) lane.start();
            lane.wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Alerts waiting, in the queue or for a retry. */
    public int waiting() {
        lock.lock();
        try {
            int n = 0;
            for (Lane lane : lanes.values()) {
                for (Message m : lane.queued) n += m.alerts.size();
                if (lane.retry != null) n += lane.retry.alerts.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until nothing is being sent and nothing could be sent now: what is left waits for a
     * rate limit or a retry backoff to pass on the clock. For tests, and for a tidy shutdown.
     *
     * @return false when the timeout passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            // The clock may have been moved: let every lane look again.
            lanes.values().forEach(lane -> lane.wake.signal());
            while (!idle()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                settled.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean idle() {
        Instant now = clock.instant();
        for (Lane lane : lanes.values()) {
            if (lane.sending) return false;
            Instant next = started ? lane.nextAt(now) : null;
            if (next != null && !next.isAfter(now)) return false;
        }
        return true;
    }

    /**
     * Stops the lanes (a send under way is finished) and reports whatever is still waiting as
     * not delivered.
     */
    @Override public void close() {
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            for (Lane lane : lanes.values()) {
                lane.wake.signal();
                if (lane.thread != null) threads.add(lane.thread);
            }
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            try {
                t.join(ChannelSender.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Delivery> unsent = new ArrayList<>();
        lock.lock();
        try {
            for (Lane lane : lanes.values()) {
                if (lane.retry != null) unsent.add(lane.undelivered(lane.retry, "not sent before berth stopped; last error: " + lane.retry.lastError));
                for (Message m : lane.queued) unsent.add(lane.undelivered(m, "not sent before berth stopped"));
                lane.retry = null;
                lane.queued.clear();
            }
        } finally {
            lock.unlock();
        }
        unsent.forEach(this::report);
    }

    private void report(Delivery delivery) {
        try {
            listener.accept(delivery);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alert delivery listener failed for channel " + delivery.channel(), e);
        }
    }

    /** One message on its way: attempts so far and the last error, for retries. */
    private record Message(String title, List<Alert> alerts, int attempts, String lastError) { }

    /** One channel's queue, rate window and sending thread. Fields are guarded by the outbox's lock. */
    private final class Lane {
        Channel channel;
        final ArrayDeque<Message> queued = new ArrayDeque<>();
        final SlidingWindow window = new SlidingWindow();
        final Condition wake = lock.newCondition();
        /** A failed message waiting for its backoff; it goes before anything queued after it. */
        Message retry;
        Instant retryAt;
        boolean sending;
        Thread thread;

        void start() {
            if (thread == null) thread = Thread.ofVirtual().name("berth-alert-" + channel.name()).start(this::run);
        }

        /** When the next message may go, or null when there is none. */
        Instant nextAt(Instant now) {
            if (retry == null && queued.isEmpty()) return null;
            Instant slot = window.nextSlot(now, ChannelLimits.of(channel), ChannelSender.requestsPerMessage(channel));
            return retry != null && retryAt.isAfter(slot) ? retryAt : slot;
        }

        private void run() {
            while (true) {
                Channel target;
                Message message;
                lock.lock();
                try {
                    while (true) {
                        if (closed) return;
                        Instant now = clock.instant();
                        Instant next = nextAt(now);
                        if (next != null && !next.isAfter(now)) break;
                        settled.signalAll();
                        if (next == null) wake.await();
                        else wake.awaitNanos(Duration.between(now, next).toNanos());
                    }
                    target = channel;
                    message = take();
                    window.record(clock.instant(), ChannelSender.requestsPerMessage(target), ChannelLimits.of(target));
                    sending = true;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                Delivery outcome = attempt(target, message);
                // Reported before the lane counts as idle, so awaitIdle() returning means the listener has heard.
                if (outcome != null) report(outcome);
                lock.lock();
                try {
                    sending = false;
                    settled.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        /** The retry if there is one, else everything queued merged into one message. */
        private Message take() {
            if (retry != null) {
                Message m = retry;
                retry = null;
                return m;
            }
            List<Message> all = new ArrayList<>(queued);
            queued.clear();
            return merge(all);
        }

        /** Sends; returns the delivery to report, or null when a retry was scheduled. */
        private Delivery attempt(Channel target, Message message) {
            int attempts = message.attempts + 1;
            try {
                sender.send(target, message.title, message.alerts.size() > SUMMARY_ABOVE ? summary(message.alerts) : message.alerts);
                return new Delivery(target.name(), message.title, message.alerts, attempts, true, null);
            } catch (AlertSendException e) {
                if (e.delivered()) return new Delivery(target.name(), message.title, message.alerts, attempts, true, e.getMessage());
                return failed(target, message, attempts, e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "sending to channel " + target.name() + " failed unexpectedly", e);
                return failed(target, message, attempts, target.kind() + " channel '" + target.name() + "': " + e);
            }
        }

        private Delivery failed(Channel target, Message message, int attempts, String error) {
            if (attempts > backoff.size()) return new Delivery(target.name(), message.title, message.alerts, attempts, false, error);
            lock.lock();
            try {
                retry = new Message(message.title, message.alerts, attempts, error);
                retryAt = clock.instant().plus(backoff.get(attempts - 1));
            } finally {
                lock.unlock();
            }
            return null;
        }

        Delivery undelivered(Message m, String why) {
            return new Delivery(channel.name(), m.title, m.alerts, m.attempts, false, why);
        }
    }

    /** What queued up while a channel was held back goes out as one message. */
    private static Message merge(List<Message> messages) {
        if (messages.size() == 1) return messages.getFirst();
        List<Alert> alerts = messages.stream().flatMap(m -> m.alerts.stream()).toList();
        List<String> titles = messages.stream().map(Message::title).distinct().toList();
        String title = titles.size() == 1 ? titles.getFirst() : titles.getFirst() + " (+" + (titles.size() - 1) + " more)";
        return new Message(title, alerts, 0, null);
    }

    /**
     * Too many alerts for a readable message: one line per server and state that still names
     * every subject, dated from the earliest. Only what is sent is summarised; the
     * {@link Delivery} lists every alert.
     */
    static List<Alert> summary(List<Alert> alerts) {
        Map<List<String>, List<Alert>> groups = alerts.stream().collect(Collectors.groupingBy(
                a -> List.of(a.server(), a.state()), LinkedHashMap::new, Collectors.toList()));
        List<Alert> out = new ArrayList<>();
        groups.forEach((key, group) -> {
            if (group.size() == 1) {
                out.add(group.getFirst());
                return;
            }
            Instant earliest = group.stream().map(Alert::since).min(Instant::compareTo).orElseThrow();
            String subjects = group.stream().map(Alert::subject).distinct().collect(Collectors.joining(", "));
            out.add(new Alert(key.get(0), group.size() + " alerts", key.get(1), null, null, earliest, subjects));
        });
        return out;
    }
}
