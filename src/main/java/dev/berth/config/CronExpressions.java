package dev.berth.config;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;

/** UNIX 5-field cron expressions ({@code minute hour day-of-month month day-of-week}), through cron-utils. */
public final class CronExpressions {
    static final String EXPECTED = "expected a 5-field cron expression (minute hour day-of-month month day-of-week), like \"0 3 * * *\"";

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private CronExpressions() { }

    /** Checks the expression and returns it in cron-utils' normalized text; the reason from cron-utils otherwise. */
    public static String validate(String expression) {
        return parse(expression).asString();
    }

    /**
     * The first fire time strictly after {@code t}, in t's zone; null when the expression never fires
     * again (like "0 0 30 2 *"), which the supervisor reads as "no cron restart".
     */
    public static ZonedDateTime nextAfter(String expression, ZonedDateTime t) {
        return ExecutionTime.forCron(parse(expression)).nextExecution(t).orElse(null);
    }

    /** The last fire time at or before {@code t}, in t's zone; null when it never fired. */
    public static ZonedDateTime lastAtOrBefore(String expression, ZonedDateTime t) {
        ExecutionTime et = ExecutionTime.forCron(parse(expression));
        if (et.isMatch(t.withSecond(0).withNano(0)) ) return t.withSecond(0).withNano(0);
        return et.lastExecution(t).orElse(null);
    }

    private static Cron parse(String expression) {
        String s = expression == null ? "" : expression.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED + ", got nothing");
        }
        try {
            return PARSER.parse(s).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EXPECTED + ": " + e.getMessage());
        }
    }
}
