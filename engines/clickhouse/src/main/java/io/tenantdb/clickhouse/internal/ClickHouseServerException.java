package io.tenantdb.clickhouse.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error ClickHouse reported over HTTP ({@code Code: N, e.displayText() = DB::Exception: ...}).
 * Internal: {@link ClickHouseErrors} turns it into the tenantdb hierarchy and keeps it as the cause.
 */
final class ClickHouseServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Pattern CODE = Pattern.compile("^Code: (\\d+)");
    private static final int SHOWN = 600;

    private final int code;
    private final int httpStatus;

    ClickHouseServerException(int code, int httpStatus, String message) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /**
     * @param httpStatus the response status
     * @param body       the error body
     * @return the error, with code 0 when the body has none
     */
    static ClickHouseServerException parse(int httpStatus, String body) {
        String text = body == null ? "" : body.strip();
        Matcher m = CODE.matcher(text);
        int code = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String shown = text.replace(", e.what() = DB::Exception", "");
        if (shown.length() > SHOWN) {
            shown = shown.substring(0, SHOWN) + "...";
        }
        return new ClickHouseServerException(code, httpStatus, shown.isEmpty() ? "HTTP " + httpStatus : shown);
    }

    /** @return the ClickHouse error code, 0 when unknown */
    int code() {
        return code;
    }

    /** @return the HTTP status, 200 when the error came inside a streamed result */
    int httpStatus() {
        return httpStatus;
    }
}
