package dev.berth.monitor.probe;

/**
 * Warning and critical limits for one measured value. Reaching a limit counts as crossing it:
 * with {@code higherIsWorse}, a value &gt;= critical is CRITICAL; otherwise (days left on a
 * certificate) a value &lt;= critical is. Either limit may be null (not checked).
 */
public record Thresholds(Double warning, Double critical, boolean higherIsWorse) {

    public Thresholds {
        if (warning != null && warning.isNaN() || critical != null && critical.isNaN()) {
            throw new IllegalArgumentException("a threshold must be a number");
        }
        if (warning != null && critical != null && (higherIsWorse ? warning > critical : warning < critical)) {
            throw new IllegalArgumentException("the warning threshold (" + Quantities.format(warning, null)
                    + ") must come before the critical one (" + Quantities.format(critical, null) + ")"
                    + (higherIsWorse ? "" : " when lower is worse"));
        }
    }

    /** Limits for a value where more is worse (latency, percent used). */
    public static Thresholds above(Double warning, Double critical) {
        return new Thresholds(warning, critical, true);
    }

    /** Limits for a value where less is worse (days until a certificate expires). */
    public static Thresholds below(Double warning, Double critical) {
        return new Thresholds(warning, critical, false);
    }

    public CheckState state(double value) {
        if (crossed(critical, value)) return CheckState.CRITICAL;
        if (crossed(warning, value)) return CheckState.WARNING;
        return CheckState.OK;
    }

    /**
     * The part of a message after the value: "&gt; 3000 ms (critical)", "&lt; 90% (ok)" (naming the
     * first limit that would be crossed), or "(ok)" when there are no limits.
     */
    public String verdict(double value, String unit) {
        CheckState state = state(value);
        Double limit = switch (state) {
            case CRITICAL -> critical;
            case WARNING -> warning;
            case OK -> warning != null ? warning : critical;
        };
        if (limit == null) return "(" + state.label() + ")";
        String op;
        if (state == CheckState.OK) op = higherIsWorse ? "<" : ">";
        else if (value == limit) op = higherIsWorse ? ">=" : "<=";
        else op = higherIsWorse ? ">" : "<";
        return op + " " + Quantities.format(limit, unit) + " (" + state.label() + ")";
    }

    private boolean crossed(Double limit, double value) {
        return limit != null && (higherIsWorse ? value >= limit : value <= limit);
    }
}
