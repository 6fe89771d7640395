package dev.berth.deploy;

/** A deploy, rollback or dry run could not go on; the message is meant for the user as it is. */
public final class DeployException extends Exception {
    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
