package dev.berth.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects at most the first {@code limit} bytes of a response body, then cancels the rest, so
 * a health endpoint that streams or returns a huge page costs a check no more than the limit.
 * Non-blocking: no thread waits on the body.
 */
public final class BodyPrefix implements HttpResponse.BodySubscriber<BodyPrefix.Bytes> {

    /** What was read, and whether the body went on past the limit. */
    public record Bytes(byte[] data, boolean truncated) { }

    private final int limit;
    private final CompletableFuture<Bytes> result = new CompletableFuture<>();
    private byte[] buffer = new byte[4096];
    private int size;
    private Flow.Subscription subscription;

    BodyPrefix(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<Bytes> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        boolean full = false;
        for (ByteBuffer item : items) {
            int n = Math.min(item.remaining(), limit - size);
            if (size + n > buffer.length) buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(buffer.length * 2, size + n)));
            item.get(buffer, size, n);
            size += n;
            if (item.hasRemaining()) full = true;
        }
        if (full) {
            subscription.cancel();
            result.complete(new Bytes(Arrays.copyOf(buffer, size), true));
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(new Bytes(Arrays.copyOf(buffer, size), false));
    }
}
