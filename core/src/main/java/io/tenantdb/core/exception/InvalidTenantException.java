package io.tenantdb.core.exception;

/**
 * A string that is not a valid tenant id. The message names the rule broken and shows the input
 * escaped (control and non-ASCII characters as {@code \\uXXXX}) and cut to 64 characters.
 */
public class InvalidTenantException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    private static final int SHOWN = 64;

    /**
     * @param input   the rejected input, may be {@code null}
     * @param problem the rule broken
     */
    public InvalidTenantException(String input, String problem) {
        super("invalid tenant id " + (input == null ? "null" : '"' + escape(input) + '"') + ": " + problem
                + " (rule: lower-case letter first, then a-z, 0-9 or '_', at most 48 characters)", null, null, null);
    }

    /**
     * Escapes a string for an error message: printable ASCII stays, everything else becomes
     * {@code \\uXXXX}; longer than 64 characters is cut with an ellipsis.
     *
     * @param input the string
     * @return the escaped, truncated string
     */
    public static String escape(String input) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(input.length(), SHOWN);
        for (int i = 0; i < n; i++) {
            char c = input.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (input.length() > SHOWN) {
            b.append("...(").append(input.length()).append(" chars)");
        }
        return b.toString();
    }
}
