package io.tenantdb.clickhouse.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits ClickHouse SQL into tokens the way the server's own lexer does for everything that
 * matters to tenant scoping: string literals, quoted identifiers (backslash escapes and doubled
 * quotes), comments, words, numbers, tenantdb's bind markers ({@code $1}, {@code :name}) and table
 * placeholders ({@code {table:name}}). Nothing is matched by regular expression over the SQL text.
 */
final class SqlLexer {

    /** What a token is. */
    enum Kind {
        /** An unquoted identifier or keyword. */
        WORD,
        /** A {@code `...`} or {@code "..."} identifier; {@link Token#value()} holds it decoded. */
        QUOTED_ID,
        /** A {@code '...'} string literal; {@link Token#value()} holds it decoded. */
        STRING,
        /** A numeric literal. */
        NUMBER,
        /** {@code $n}; {@link Token#value()} holds n. */
        BIND_POSITIONAL,
        /** {@code :name}; {@link Token#value()} holds the name. */
        BIND_NAMED,
        /** {@code {table:name}}; {@link Token#value()} holds the logical name. */
        TABLE,
        /** A comment ({@code --}, {@code #!} is not ClickHouse, {@code /* * /}). */
        COMMENT,
        /** White space. */
        SPACE,
        /** Any other single character. */
        PUNCT
    }

    /**
     * One token.
     *
     * @param kind  what it is
     * @param text  the text exactly as written
     * @param value the decoded value (identifier, literal content, bind index or name, table name)
     */
    record Token(Kind kind, String text, String value) {

        boolean isWord(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean isPunct(char c) {
            return kind == Kind.PUNCT && text.charAt(0) == c;
        }

        boolean significant() {
            return kind != Kind.SPACE && kind != Kind.COMMENT;
        }

        /** @return whether this names something: a word or a quoted identifier */
        boolean isIdentifier() {
            return kind == Kind.WORD || kind == Kind.QUOTED_ID;
        }
    }

    private SqlLexer() {
    }

    /**
     * @param sql the SQL text
     * @return its tokens, in order; concatenating their texts gives {@code sql} back
     * @throws IllegalArgumentException for an unterminated literal, identifier, comment or placeholder
     */
    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.SPACE, sql.substring(start, i), null));
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                tokens.add(new Token(Kind.COMMENT, sql.substring(start, i), null));
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment at position " + start);
                }
                i = end + 2;
                tokens.add(new Token(Kind.COMMENT, sql.substring(start, i), null));
            } else if (c == '\'' || c == '`' || c == '"') {
                StringBuilder value = new StringBuilder();
                i = quoted(sql, i, c, value);
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_ID, sql.substring(start, i), value.toString()));
            } else if (isWordStart(c)) {
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), null));
            } else if (c >= '0' && c <= '9') {
                i = number(sql, i);
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), null));
            } else if (c == '$' && i + 1 < n && isDigit(sql.charAt(i + 1))) {
                i++;
                while (i < n && isDigit(sql.charAt(i))) {
                    i++;
                }
                if (i < n && isWordPart(sql.charAt(i))) {
                    throw new IllegalArgumentException("malformed bind marker at position " + start + ": write $1, $2, ...");
                }
                tokens.add(new Token(Kind.BIND_POSITIONAL, sql.substring(start, i), sql.substring(start + 1, i)));
            } else if (c == ':' && i + 1 < n && isWordStart(sql.charAt(i + 1))) {
                i++;
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.BIND_NAMED, sql.substring(start, i), sql.substring(start + 1, i)));
            } else if (c == '{') {
                int end = sql.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated { at position " + start
                            + ": table placeholders are written {table:name}");
                }
                String body = sql.substring(i + 1, end);
                if (!body.startsWith("table:")) {
                    throw new IllegalArgumentException("unknown placeholder {" + body + "} at position " + start
                            + ": the only placeholder is {table:name}; binds are $1 or :name");
                }
                i = end + 1;
                tokens.add(new Token(Kind.TABLE, sql.substring(start, i), body.substring("table:".length())));
            } else {
                i++;
                tokens.add(new Token(Kind.PUNCT, sql.substring(start, i), null));
            }
        }
        return tokens;
    }

    /** Reads a quoted token as ClickHouse does: a backslash escapes the next character, a doubled quote is one. */
    private static int quoted(String sql, int i, char quote, StringBuilder value) {
        int n = sql.length();
        int start = i;
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                value.append(c).append(sql.charAt(i + 1));
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                value.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated " + (quote == '\'' ? "string literal" : "quoted identifier")
                + " starting at position " + start);
    }

    private static int number(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (isWordPart(c) || c == '.') {
                i++;
            } else if ((c == '+' || c == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
