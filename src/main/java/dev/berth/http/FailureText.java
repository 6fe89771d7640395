package dev.berth.http;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns the exceptions network probes meet into the short text a person reads in an alert or a deploy failure. */
public final class FailureText {
    private FailureText() { }

    /** E.g. "connection refused", "cannot resolve host db.internal", "timed out". */
    public static String describe(Throwable error) {
        Throwable t = unwrap(error);
        String text = t.getMessage() == null ? "" : t.getMessage().strip();
        if (t instanceof UnknownHostException) return "cannot resolve host " + text;
        if (t instanceof UnresolvedAddressException) return "cannot resolve host";
        if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return t instanceof HttpConnectTimeoutException ? "connect timed out" : "timed out";
        }
        if (t instanceof ConnectException && text.isEmpty()) {
            // java.net.http reports a refused connect as a bare ConnectException over the real cause
            Throwable cause = t.getCause();
            if (cause instanceof UnresolvedAddressException) return "cannot resolve host";
            if (cause == null || cause instanceof ClosedChannelException) return "connection refused";
            return "cannot connect: " + describe(cause);
        }
        if (text.isEmpty()) {
            Throwable cause = t.getCause();
            return cause != null && cause != t ? describe(cause) : t.getClass().getSimpleName();
        }
        if (t instanceof ConnectException) return text.toLowerCase(Locale.ROOT);
        return text;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
