package dev.embody.vlm;

/**
 * Why no usable answer came: the last problem after every try. The module then uses the profile's local module for
 * that step and says so; every try, with the request that caused it, is in the call log.
 */
public final class BadAnswer extends Exception {

    /** What went wrong with a request or its answer. */
    public enum Kind {
        /** no connection (refused, reset, unknown host) */
        UNREACHABLE,
        /** no whole answer within the timeout */
        TIMEOUT,
        /** an HTTP status other than 200 */
        HTTP_ERROR,
        /** longer than the answer bound */
        TOO_LARGE,
        /** the server's reply or the model's content is not the JSON asked for */
        NOT_JSON,
        /** JSON, but not of the answer's schema */
        SCHEMA,
        /** the model declined to answer */
        REFUSED,
        /** cut off at the max-tokens bound */
        TRUNCATED,
        /** of the schema, but not usable here: a command the library lacks, a place outside the image */
        UNUSABLE,
        /** the loop is stopping */
        INTERRUPTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Kind kind;
    private final long call;
    private final int attempts;

    public BadAnswer(Kind kind, String detail, long call, int attempts) {
        super(detail);
        this.kind = kind;
        this.call = call;
        this.attempts = attempts;
    }

    BadAnswer(Kind kind, String detail) {
        this(kind, detail, -1, 0);
    }

    public Kind kind() {
        return kind;
    }

    /** The call's number in the log. */
    public long call() {
        return call;
    }

    public int attempts() {
        return attempts;
    }

    BadAnswer at(long call, int attempts) {
        return new BadAnswer(kind, getMessage(), call, attempts);
    }

    /** Whether asking again could help: a server that said 401, 403 or 404 will say it again. */
    boolean retryable() {
        if (kind == Kind.INTERRUPTED) {
            return false;
        }
        String m = String.valueOf(getMessage());
        return !(kind == Kind.HTTP_ERROR && (m.startsWith("HTTP 401") || m.startsWith("HTTP 403") || m.startsWith("HTTP 404")));
    }

    /** "unusable: 'fly(direction=up)' is not a command of the library (call 12, 3 tries)". */
    public String summary() {
        return kind.label() + ": " + getMessage() + (call >= 0 ? " (call " + call + ", " + attempts + " tr" + (attempts == 1 ? "y" : "ies") + ")" : "");
    }
}
