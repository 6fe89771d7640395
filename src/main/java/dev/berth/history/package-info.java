/**
 * The metrics history behind the dashboard's charts: what /metrics shows now, kept over time.
 *
 * <ul>
 *   <li>{@link dev.berth.history.SeriesNames}: what is kept, under which name ({@code app/web/0/cpu},
 *       {@code host/mem}, {@code check/api/latency}), and the one check every name passes.</li>
 *   <li>{@link dev.berth.history.HistorySampler}: reads the supervisor's per-instance CPU and
 *       memory every second and the host every 10 s; takes check latencies from the check scheduler.</li>
 *   <li>{@link dev.berth.history.MetricsHistory}: BERTH_HOME/history.db, one transaction per 10 s
 *       round; tiers ({@link dev.berth.history.Tier}: 10 s for 24 h, 1 min for 48 h, 5 min and 1 h
 *       for 30 days), roll-ups, pruning, and the bounds on series and rows.</li>
 *   <li>{@link dev.berth.history.SeriesQuery} in, {@link dev.berth.history.SeriesAnswer} out: names
 *       or a prefix, a range, a step; the tier and step are chosen by {@code QueryPlan}.</li>
 * </ul>
 */
package dev.berth.history;
