package dev.berth.cli;

/** Exit codes scripts can rely on; `berth --help` lists them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation ran and did not succeed (an app not ready, a reload stopped, lint warnings). */
    public static final int FAILED = 1;
    /** Bad flags or arguments (an output file that exists without --force is one). */
    public static final int USAGE = 2;
    /** berth.yml (or another input file) has problems. */
    public static final int CONFIG = 3;
    /** No such thing: the app, release, deployment, backup, archive, check, heartbeat, alert channel or file named does not exist (the message lists those there are). */
    public static final int NOT_FOUND = 4;
    /** The daemon could not be reached or started. */
    public static final int DAEMON = 5;

    private ExitCodes() { }

    static final String HELP = """
            Exit codes:
              0  done
              1  the operation ran and did not succeed (not ready, crashed, reload stopped, deploy or backup failed,
                 lint warnings)
              2  bad flags or arguments (also: an output file that exists, without --force)
              3  berth.yml (or another input file) has problems
              4  no such thing: the app, release, deployment, backup, archive id, check, heartbeat, alert channel or
                 file named does not exist (the message lists those there are)
              5  the daemon could not be reached or started; from ./berth itself: no JDK >= 21, or the build failed
            `berth check` exits with the health instead: 0 HEALTHY, 1 WARNING, 2 UNHEALTHY.""";
}
