package io.tenantdb.clickhouse.internal;

import io.tenantdb.clickhouse.internal.SqlLexer.Kind;
import io.tenantdb.clickhouse.internal.SqlLexer.Token;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a tenant's statement into the SQL sent to ClickHouse: binds rendered as literals,
 * {@code {table:name}} placeholders rendered for the tenant's strategy, and everything that could
 * reach another tenant's data refused. Works on {@link SqlLexer} tokens, never on raw text.
 *
 * <p>Refused (with {@link IsolationViolationException}): naming {@code system}, the shared or
 * sandbox database or any database the tenant name template could give another tenant as a
 * qualifier; table functions, engines and functions that read other tables or servers
 * ({@code remote}, {@code merge}, {@code url}, {@code file}, {@code dictGet*}, ...) and
 * {@code Replicated*} engines and {@code ALTER ... FETCH} (a ZooKeeper path can name any table);
 * {@code KILL}, {@code ATTACH}, {@code DETACH}, {@code SYSTEM}, {@code ... DATABASE(S)},
 * {@code PROCESSLIST}; quoted identifiers containing {@code $} or a backslash; under the shared
 * strategies, DDL or DML whose target is not a {@code {table:name}} placeholder. Under
 * {@code ROW_LEVEL_SECURITY} an {@code INSERT ... VALUES} is stamped with the tenant and an
 * {@code ALTER TABLE ... DELETE/UPDATE ... WHERE c} becomes {@code WHERE tenant_id = 't' AND (c)}.
 */
final class TenantSqlRenderer {

    private static final Set<String> DENIED_WORDS = Set.of("DATABASE", "DATABASES", "PROCESSLIST", "KILL", "ATTACH",
            "DETACH", "OUTFILE", "FORMAT");
    private static final Set<String> DENIED_FUNCTIONS = Set.of("remote", "remotesecure", "cluster", "clusterallreplicas",
            "merge", "url", "file", "jdbc", "odbc", "mysql", "hdfs", "s3", "input", "distributed", "buffer", "dictionary",
            "kafka", "joinget", "dicthas", "dictisin", "hascolumnintable", "catboostevaluate", "catboostpool", "modelevaluate",
            // newer servers' readers of other places, refused ahead of an upgrade
            "executable", "postgresql", "mongodb", "sqlite", "redis", "s3cluster", "hdfscluster", "urlcluster", "gcs",
            "azureblobstorage", "deltalake", "hudi", "iceberg", "mergetreeindex", "loop", "fuzzjson");
    private static final Set<String> ALLOWED_FIRST = Set.of("SELECT", "WITH", "INSERT", "CREATE", "DROP", "ALTER",
            "TRUNCATE", "OPTIMIZE", "RENAME", "DESCRIBE", "DESC", "EXISTS", "SHOW", "CHECK");
    private static final Set<String> TARGET_FIRST = Set.of("CREATE", "DROP", "ALTER", "TRUNCATE", "OPTIMIZE", "RENAME",
            "INSERT", "DESCRIBE", "DESC", "EXISTS", "CHECK", "SHOW");
    private static final Set<String> TARGET_SKIP = Set.of("TABLE", "TEMPORARY", "INTO", "IF", "NOT", "EXISTS", "CREATE",
            "OR", "REPLACE");

    /**
     * A statement ready to send.
     *
     * @param sql          the SQL
     * @param insertedRows the number of {@code VALUES} tuples of an insert, else -1 (unknown)
     */
    record Rendered(String sql, long insertedRows) {
    }

    private TenantSqlRenderer() {
    }

    /**
     * @param sql        the tenant's SQL
     * @param positional values of {@code $1..$n}
     * @param named      values of {@code :name}
     * @param scope      the tenant's scope
     * @return the SQL to send
     * @throws IsolationViolationException when the statement could reach another tenant's data
     * @throws DataAccessException         when it is malformed (unterminated literal, missing bind, ...)
     */
    static Rendered render(String sql, List<Object> positional, Map<String, Object> named, TenantScope scope) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(sql);
        } catch (IllegalArgumentException e) {
            throw bad(scope, e.getMessage(), e);
        }
        List<Integer> sig = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).significant()) {
                sig.add(i);
            }
        }
        if (sig.isEmpty()) {
            throw bad(scope, "the statement is empty", null);
        }
        // A trailing ';' is dropped; any other ';' is a second statement.
        int last = sig.get(sig.size() - 1);
        if (tokens.get(last).isPunct(';')) {
            sig.remove(sig.size() - 1);
            tokens.set(last, new Token(Kind.SPACE, " ", null));
        }
        checkTokens(tokens, sig, scope);

        Token first = tokens.get(sig.get(0));
        String keyword = first.kind() == Kind.WORD ? first.text().toUpperCase(Locale.ROOT) : first.text();
        if (!ALLOWED_FIRST.contains(keyword) && !first.isPunct('(')) {
            throw bad(scope, "statements starting with " + first.text() + " are not allowed in tenant-scoped SQL: use SELECT, "
                    + "WITH, INSERT, CREATE, DROP, ALTER, TRUNCATE, OPTIMIZE, DESCRIBE, EXISTS, SHOW or CHECK", null);
        }
        if (keyword.equals("SHOW")) {
            checkShow(tokens, sig, scope);
        }
        boolean shared = scope.strategy() != IsolationStrategy.DATABASE_PER_TENANT;
        boolean rls = scope.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY;
        int target = -1;
        if (shared && keyword.equals("RENAME")) {
            // RENAME ... TO plain_name would move a tenant's table into the shared sandbox database.
            throw violation(scope, "RENAME is not tenant-scoped under " + scope.strategy().name().toLowerCase(Locale.ROOT)
                    + ": create the new table and INSERT ... SELECT into it", null);
        }
        if (shared && TARGET_FIRST.contains(keyword) && !isShowTables(tokens, sig)) {
            target = targetPosition(tokens, sig);
            if (target < 0 || tokens.get(sig.get(target)).kind() != Kind.TABLE) {
                throw violation(scope, "under " + scope.strategy().name().toLowerCase(Locale.ROOT)
                        + " a " + keyword + " statement must name its table as {table:name}", null);
            }
        }
        Map<Integer, String> after = new HashMap<>();
        long tuples = countTuples(tokens, sig, keyword);
        if (rls) {
            switch (keyword) {
                case "CREATE", "DROP", "TRUNCATE", "OPTIMIZE", "RENAME", "CHECK" -> throw violation(scope,
                        keyword + " on a shared row_level_security table is not tenant-scoped: use ClickHouseSession"
                                + ".createTable/truncate, or an administrator connection", null);
                case "INSERT" -> stampInsert(tokens, sig, target, scope, after);
                case "ALTER" -> scopeMutation(tokens, sig, target, scope, after);
                default -> {
                }
            }
        }

        StringBuilder out = new StringBuilder(sql.length() + 64);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            switch (t.kind()) {
                case COMMENT -> out.append(' ');
                case BIND_POSITIONAL -> out.append(literal(bindAt(t, positional, scope), scope));
                case BIND_NAMED -> {
                    if (!named.containsKey(t.value())) {
                        throw bad(scope, "no value bound for :" + t.value(), null);
                    }
                    out.append(literal(named.get(t.value()), scope));
                }
                case TABLE -> out.append(table(t, i, tokens, sig, target, rls, scope));
                default -> out.append(t.text());
            }
            if (after.containsKey(i)) {
                out.append(after.get(i));
            }
        }
        return new Rendered(out.toString().strip(), tuples);
    }

    /**
     * Checks a table definition (what follows the table name in {@code CREATE TABLE}) with the same
     * guard as statements.
     *
     * @param definition columns, engine and settings
     * @param scope      the tenant's scope
     * @return the definition to send; under {@code ROW_LEVEL_SECURITY} with {@code tenant_id String}
     *     added first to the column list
     */
    static String checkDefinition(String definition, TenantScope scope) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(definition);
        } catch (IllegalArgumentException e) {
            throw bad(scope, e.getMessage(), e);
        }
        List<Integer> sig = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.significant()) {
                sig.add(i);
            }
            if (t.kind() == Kind.BIND_NAMED || t.kind() == Kind.BIND_POSITIONAL || t.kind() == Kind.TABLE) {
                throw bad(scope, "a table definition takes no binds or placeholders: " + t.text(), null);
            }
        }
        if (sig.isEmpty()) {
            throw bad(scope, "the table definition is empty: give columns and engine, e.g. (id UInt64) ENGINE = MergeTree ORDER BY id", null);
        }
        checkTokens(tokens, sig, scope);
        boolean rls = scope.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY;
        if (rls) {
            if (!tokens.get(sig.get(0)).isPunct('(')) {
                throw bad(scope, "a shared table definition must start with its column list '(...)'", null);
            }
            int depth = 0;
            for (int s = 0; s < sig.size(); s++) {
                Token t = tokens.get(sig.get(s));
                if (t.isPunct('(')) {
                    depth++;
                } else if (t.isPunct(')') && --depth == 0) {
                    break;
                } else if (depth == 1 && t.isIdentifier()
                        && TenantScope.TENANT_COLUMN.equalsIgnoreCase(t.kind() == Kind.WORD ? t.text() : t.value())) {
                    throw violation(scope, "tenant_id is added by tenantdb under row_level_security: leave it out of the "
                            + "column list", null);
                }
            }
        }
        StringBuilder out = new StringBuilder(definition.length() + 32);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            out.append(t.kind() == Kind.COMMENT ? " " : t.text());
            if (rls && i == sig.get(0)) {
                out.append(ClickHouseLiterals.identifier(TenantScope.TENANT_COLUMN)).append(" String, ");
            }
        }
        return out.toString().strip();
    }

    private static void checkTokens(List<Token> tokens, List<Integer> sig, TenantScope scope) {
        int depth = 0;
        for (int s = 0; s < sig.size(); s++) {
            Token t = tokens.get(sig.get(s));
            Token next = s + 1 < sig.size() ? tokens.get(sig.get(s + 1)) : null;
            if (t.isPunct('(')) {
                depth++;
            } else if (t.isPunct(')')) {
                if (--depth < 0) {
                    throw bad(scope, "unbalanced ')' in the statement", null);
                }
            } else if (t.isPunct(';')) {
                throw bad(scope, "only one statement can be sent at a time (found ';' inside)", null);
            }
            if (t.kind() == Kind.WORD && DENIED_WORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
                throw violation(scope, t.text() + " is not allowed in tenant-scoped SQL"
                        + (t.isWord("FORMAT") ? " (tenantdb chooses the format: read rows with query())" : ""), null);
            }
            if (t.isWord("FETCH") && tokens.get(sig.get(0)).isWord("ALTER")) {
                throw violation(scope, "ALTER ... FETCH PARTITION is not allowed in tenant-scoped SQL (it copies from any "
                        + "replicated table)", null);
            }
            if (s == 0 && t.isWord("SYSTEM")) {
                throw violation(scope, "SYSTEM statements are not allowed in tenant-scoped SQL", null);
            }
            if (t.kind() == Kind.QUOTED_ID) {
                String v = t.value();
                if (v.indexOf('\\') >= 0 || v.indexOf('$') >= 0 || v.indexOf('\0') >= 0) {
                    throw violation(scope, "quoted identifier " + t.text() + " contains '$', '\\' or NUL, which tenant SQL "
                            + "may not use (tables are written {table:name})", null);
                }
            }
            if (t.isIdentifier() && next != null) {
                String name = t.kind() == Kind.WORD ? t.text() : t.value();
                if (next.isPunct('(')) {
                    String fn = name.toLowerCase(Locale.ROOT);
                    if (DENIED_FUNCTIONS.contains(fn) || fn.startsWith("dictget")) {
                        throw violation(scope, name + "(...) can read other tables or servers and is not allowed in "
                                + "tenant-scoped SQL", null);
                    }
                    if (fn.startsWith("replicated")) {
                        // A ZooKeeper path of another tenant's table would replicate its data into this one.
                        throw violation(scope, name + " tables are created by an administrator, not by tenant SQL "
                                + "(their ZooKeeper path could name another tenant's table)", null);
                    }
                }
                if (next.isPunct('.') && scope.deniedDatabase(name)) {
                    throw violation(scope, "the statement names database " + name + ", which is not this tenant's: write "
                            + "table names unqualified or as {table:name}", null);
                }
            }
            if (t.kind() == Kind.TABLE) {
                try {
                    TenantScope.checkLogical(t.value());
                } catch (IllegalArgumentException e) {
                    throw bad(scope, e.getMessage(), e);
                }
            }
        }
        if (depth != 0) {
            throw bad(scope, "unbalanced '(' in the statement", null);
        }
    }

    private static boolean isShowTables(List<Token> tokens, List<Integer> sig) {
        return tokens.get(sig.get(0)).isWord("SHOW") && sig.size() > 1 && tokens.get(sig.get(1)).isWord("TABLES");
    }

    private static void checkShow(List<Token> tokens, List<Integer> sig, TenantScope scope) {
        if (isShowTables(tokens, sig)) {
            for (int s = 2; s < sig.size(); s++) {
                Token t = tokens.get(sig.get(s));
                if (t.isWord("FROM") || t.isWord("IN")) {
                    throw violation(scope, "SHOW TABLES FROM/IN is not allowed in tenant-scoped SQL: SHOW TABLES lists "
                            + "the tenant's own", null);
                }
            }
            return;
        }
        if (sig.size() > 1 && tokens.get(sig.get(1)).isWord("CREATE")) {
            return;
        }
        throw violation(scope, "only SHOW TABLES and SHOW CREATE TABLE are allowed in tenant-scoped SQL", null);
    }

    /** @return the index in {@code sig} of the statement's target object, or -1 */
    private static int targetPosition(List<Token> tokens, List<Integer> sig) {
        for (int s = 1; s < sig.size(); s++) {
            Token t = tokens.get(sig.get(s));
            if (t.kind() == Kind.WORD && TARGET_SKIP.contains(t.text().toUpperCase(Locale.ROOT))) {
                continue;
            }
            return s;
        }
        return -1;
    }

    private static long countTuples(List<Token> tokens, List<Integer> sig, String keyword) {
        if (!keyword.equals("INSERT")) {
            return -1;
        }
        int depth = 0;
        boolean inValues = false;
        long tuples = 0;
        for (int s = 0; s < sig.size(); s++) {
            Token t = tokens.get(sig.get(s));
            if (t.isPunct('(')) {
                if (inValues && depth == 0) {
                    tuples++;
                }
                depth++;
            } else if (t.isPunct(')')) {
                depth--;
            } else if (depth == 0 && t.isWord("VALUES")) {
                inValues = true;
            } else if (depth == 0 && t.isWord("SELECT")) {
                return -1;
            }
        }
        return inValues ? tuples : -1;
    }

    /** {@code INSERT INTO {table:t} (cols) VALUES (..), ...} gets {@code tenant_id} first in the columns and each tuple. */
    private static void stampInsert(List<Token> tokens, List<Integer> sig, int target, TenantScope scope,
                                    Map<Integer, String> after) {
        int s = target + 1;
        if (s >= sig.size() || !tokens.get(sig.get(s)).isPunct('(')) {
            throw violation(scope, "an INSERT into a shared row_level_security table must list its columns: "
                    + "INSERT INTO {table:t} (a, b) VALUES (...), or use ClickHouseSession.insert", null);
        }
        after.put(sig.get(s), ClickHouseLiterals.identifier(TenantScope.TENANT_COLUMN) + ", ");
        s++;
        for (; s < sig.size() && !tokens.get(sig.get(s)).isPunct(')'); s++) {
            Token t = tokens.get(sig.get(s));
            String name = t.kind() == Kind.WORD ? t.text() : t.value();
            if (t.isIdentifier() && TenantScope.TENANT_COLUMN.equalsIgnoreCase(name)) {
                throw violation(scope, "tenant_id is set by tenantdb under row_level_security: leave it out of the insert", null);
            }
        }
        s++;
        if (s >= sig.size() || !tokens.get(sig.get(s)).isWord("VALUES")) {
            throw violation(scope, "only INSERT ... VALUES is tenant-scoped on a shared row_level_security table: "
                    + "use ClickHouseSession.insert for bulk inserts", null);
        }
        int depth = 0;
        for (s++; s < sig.size(); s++) {
            Token t = tokens.get(sig.get(s));
            if (t.isPunct('(')) {
                if (depth == 0) {
                    after.put(sig.get(s), scope.tenantLiteral() + ", ");
                }
                depth++;
            } else if (t.isPunct(')')) {
                depth--;
            } else if (depth == 0 && !t.isPunct(',')) {
                throw violation(scope, "unexpected " + t.text() + " after VALUES in an INSERT into a shared table", null);
            }
        }
    }

    /** {@code ALTER TABLE {table:t} DELETE|UPDATE ... WHERE c} becomes {@code ... WHERE tenant_id = 't' AND (c)}. */
    private static void scopeMutation(List<Token> tokens, List<Integer> sig, int target, TenantScope scope,
                                      Map<Integer, String> after) {
        int s = target + 1;
        Token action = s < sig.size() ? tokens.get(sig.get(s)) : null;
        if (action == null || !(action.isWord("DELETE") || action.isWord("UPDATE"))) {
            throw violation(scope, "only ALTER TABLE {table:t} DELETE/UPDATE ... WHERE ... is tenant-scoped on a shared "
                    + "row_level_security table", null);
        }
        int depth = 0;
        for (s++; s < sig.size(); s++) {
            Token t = tokens.get(sig.get(s));
            if (t.isPunct('(')) {
                depth++;
            } else if (t.isPunct(')')) {
                depth--;
            } else if (depth == 0 && t.isWord("WHERE")) {
                after.put(sig.get(s), " " + scope.rowFilter() + " AND (");
                int end = sig.get(sig.size() - 1);
                after.merge(end, ")", String::concat);
                if (s == sig.size() - 1) {
                    throw bad(scope, "WHERE without a condition", null);
                }
                return;
            } else if (t.isIdentifier() && TenantScope.TENANT_COLUMN.equalsIgnoreCase(t.kind() == Kind.WORD ? t.text() : t.value())) {
                throw violation(scope, "tenant_id cannot be updated under row_level_security", null);
            }
        }
        throw bad(scope, "ALTER TABLE ... " + action.text() + " needs a WHERE condition", null);
    }

    private static String table(Token t, int index, List<Token> tokens, List<Integer> sig, int target, boolean rls,
                                TenantScope scope) {
        String logical = t.value();
        boolean isTarget = target >= 0 && sig.get(target) == index;
        if (!rls || isTarget) {
            return scope.qualified(logical);
        }
        int pos = sig.indexOf(index);
        boolean aliased = pos + 1 < sig.size() && tokens.get(sig.get(pos + 1)).isWord("AS");
        return "(SELECT * FROM " + scope.qualified(logical) + " WHERE " + scope.rowFilter() + ")"
                + (aliased ? "" : " AS " + ClickHouseLiterals.identifier(logical));
    }

    private static Object bindAt(Token t, List<Object> positional, TenantScope scope) {
        int n;
        try {
            n = Integer.parseInt(t.value());
        } catch (NumberFormatException e) {
            throw bad(scope, "bind marker " + t.text() + " is out of range", e);
        }
        if (n < 1 || n > positional.size()) {
            throw bad(scope, "no value bound for " + t.text() + " (" + positional.size() + " bound)", null);
        }
        return positional.get(n - 1);
    }

    private static String literal(Object value, TenantScope scope) {
        try {
            return ClickHouseLiterals.literal(value);
        } catch (IllegalArgumentException e) {
            throw bad(scope, e.getMessage(), e);
        }
    }

    static DataAccessException bad(TenantScope scope, String message, Throwable cause) {
        return new DataAccessException(message, scope.tenant(), DatabaseType.CLICKHOUSE, cause);
    }

    static IsolationViolationException violation(TenantScope scope, String message, Throwable cause) {
        return new IsolationViolationException(message + " (refused before reaching the server)", scope.tenant(),
                DatabaseType.CLICKHOUSE, cause);
    }
}
