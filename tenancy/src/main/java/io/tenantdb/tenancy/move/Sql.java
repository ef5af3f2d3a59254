package io.tenantdb.tenancy.move;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The SQL of a move. Identifiers come from the catalog or from validated tenant and move ids and
 * are always quoted; values are bind parameters (rows travel as {@code jsonb} text).
 */
final class Sql {

    /** The tenant column of shared (row-level-security) tables. */
    static final String TENANT_COLUMN = "tenant_id";
    /** The schema holding capture objects in each source database. */
    static final String CAPTURE_SCHEMA = "tenantdb_move";

    private static final Pattern MOVE_ID = Pattern.compile("^[a-z][a-z0-9_]{0,40}$");

    /** Base tables of a schema (only those with a tenant column when shared): name, columns, primary key, serial sequences. */
    static final String TABLES = "SELECT c.relname::text, "
            + "array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
            + "AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum), "
            + "array(SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(n, ord) "
            + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.ord), "
            + "array(SELECT a.attname::text || '=' || s FROM pg_attribute a CROSS JOIN LATERAL "
            + "pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) s "
            + "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND s IS NOT NULL) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND (NOT $2 OR EXISTS "
            + "(SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)) "
            + "ORDER BY 1";

    private Sql() {
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String checkMoveId(String id) {
        if (!MOVE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("move id '" + id + "' must match [a-z][a-z0-9_]{0,40}");
        }
        return id;
    }

    /**
     * A table as the catalog describes it.
     *
     * @param name      its name
     * @param columns   its stored (non-generated) columns, in order
     * @param key       its primary key columns, in order
     * @param sequences {@code column=sequence} for columns fed by a sequence
     */
    record Table(String name, List<String> columns, List<String> key, List<String> sequences) {
    }

    /**
     * One table of a move: how rows are read on the source and written on the target.
     *
     * @param name         the table's name (the same on both sides)
     * @param key          the key without the tenant column, in source key order
     * @param columns      columns copied (present on both sides; the target's tenant column of shared tables excluded)
     * @param targetKey    the target's primary key (the conflict target)
     * @param checksummed  columns compared by checksum (copied columns without the tenant column)
     * @param sequences    the target's {@code column=sequence} pairs, advanced past the moved rows
     * @param sourceShared whether the source table is shared (rows filtered by tenant)
     * @param targetShared whether the target table is shared (the tenant column is set on insert)
     */
    record TableMap(String name, List<String> key, List<String> columns, List<String> targetKey, List<String> checksummed,
                    List<String> sequences, boolean sourceShared, boolean targetShared) {

        /**
         * @return the mapping, or an error message when the tables cannot be moved between each other
         */
        static Object of(Table source, Table target, boolean sourceShared, boolean targetShared) {
            if (target == null) {
                return "table " + source.name() + " does not exist at the target: create it there first (postgresql.tenant_ddl "
                        + "for schema and database tenants, a migration for shared tables)";
            }
            List<String> sk = without(source.key(), sourceShared);
            List<String> tk = without(target.key(), targetShared);
            if (sk.isEmpty() || tk.isEmpty()) {
                return "table " + source.name() + " has no primary key (besides tenant_id) " + (sk.isEmpty() ? "at the source" : "at the target")
                        + ": a move replays changes by primary key; add one";
            }
            if (!new LinkedHashSet<>(sk).equals(new LinkedHashSet<>(tk))) {
                return "table " + source.name() + " has primary key " + sk + " at the source but " + tk
                        + " at the target (tenant_id aside): make them the same";
            }
            Set<String> targetColumns = new LinkedHashSet<>(target.columns());
            List<String> columns = new ArrayList<>();
            for (String c : source.columns()) {
                if (targetColumns.contains(c) && !(targetShared && c.equals(TENANT_COLUMN))) {
                    columns.add(c);
                }
            }
            if (!columns.containsAll(sk)) {
                return "table " + source.name() + ": key columns " + sk + " are not all stored columns on both sides";
            }
            List<String> checksummed = columns.stream().filter(c -> !c.equals(TENANT_COLUMN)).toList();
            return new TableMap(source.name(), sk, columns, target.key(), checksummed, target.sequences(), sourceShared, targetShared);
        }

        private static List<String> without(List<String> key, boolean shared) {
            return shared ? key.stream().filter(c -> !c.equals(TENANT_COLUMN)).toList() : key;
        }

        private static String list(String alias, List<String> columns) {
            return columns.stream().map(c -> alias + quote(c)).collect(Collectors.joining(", "));
        }

        /**
         * One batch of the snapshot copy, in key order after a key: binds {@code $1} tenant (shared
         * source only), then the last key as {@code jsonb} when {@code after}.
         * Columns: the row as {@code jsonb} text, its key as {@code jsonb} text.
         */
        String copyBatch(String source, boolean after, int limit) {
            StringBuilder b = new StringBuilder("SELECT to_jsonb(t)::text, jsonb_build_object(");
            for (int i = 0; i < key.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(literal(key.get(i))).append(", t.").append(quote(key.get(i)));
            }
            b.append(")::text FROM ").append(source).append(" t WHERE true");
            int p = 1;
            if (sourceShared) {
                b.append(" AND t.tenant_id = $").append(p++);
            }
            if (after) {
                b.append(" AND (").append(list("t.", key)).append(") > (SELECT ").append(list("x.", key))
                        .append(" FROM jsonb_populate_record(NULL::").append(source).append(", $").append(p).append("::jsonb) x)");
            }
            return b.append(" ORDER BY ").append(list("t.", key)).append(" LIMIT ").append(limit).toString();
        }

        /**
         * Upserts rows given as a {@code jsonb} array ({@code $1}; {@code $2} the tenant for a shared
         * target). Of several rows with one key the last wins; the statement is idempotent.
         */
        String upsert(String target) {
            List<String> insertColumns = new ArrayList<>(columns);
            String values = list("x.", columns);
            if (targetShared) {
                insertColumns.add(TENANT_COLUMN);
                values += ", $2";
            }
            StringBuilder b = new StringBuilder("INSERT INTO ").append(target).append(" (").append(list("", insertColumns))
                    .append(") OVERRIDING SYSTEM VALUE SELECT ").append(values).append(" FROM (SELECT DISTINCT ON (")
                    .append(list("r.", key)).append(") r.* FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY e(j, tenantdb_ord) ")
                    .append("CROSS JOIN LATERAL jsonb_populate_record(NULL::").append(target).append(", e.j) r ORDER BY ")
                    .append(list("r.", key)).append(", e.tenantdb_ord DESC) x ON CONFLICT (").append(list("", targetKey)).append(")");
            List<String> rest = columns.stream().filter(c -> !targetKey.contains(c)).toList();
            if (rest.isEmpty()) {
                return b.append(" DO NOTHING").toString();
            }
            b.append(" DO UPDATE SET ");
            for (int i = 0; i < rest.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(quote(rest.get(i))).append(" = EXCLUDED.").append(quote(rest.get(i)));
            }
            return b.toString();
        }

        /** Deletes the rows whose keys are given as a {@code jsonb} array ({@code $1}; {@code $2} the tenant for a shared target). */
        String delete(String target) {
            StringBuilder b = new StringBuilder("DELETE FROM ").append(target).append(" t USING (SELECT r.* FROM jsonb_array_elements($1::jsonb) e(j) ")
                    .append("CROSS JOIN LATERAL jsonb_populate_record(NULL::").append(target).append(", e.j) r) x WHERE ");
            for (int i = 0; i < key.size(); i++) {
                b.append(i == 0 ? "" : " AND ").append("t.").append(quote(key.get(i))).append(" = x.").append(quote(key.get(i)));
            }
            if (targetShared) {
                b.append(" AND t.tenant_id = $2");
            }
            return b.toString();
        }

        /**
         * Count and checksum of the tenant's rows ({@code $1} the tenant when {@code shared}): md5 over
         * the md5 of each row's text, in key order (text order, collation "C", the same everywhere).
         */
        String checksum(String table, boolean shared) {
            return "SELECT count(*), coalesce(md5(string_agg(md5(ROW(" + list("t.", checksummed) + ")::text), '' ORDER BY (ROW("
                    + list("t.", key) + ")::text) COLLATE \"C\")), '') FROM " + table + " t" + (shared ? " WHERE t.tenant_id = $1" : "");
        }

        /** @return statements advancing the target's sequences past the largest value moved (never backwards) */
        List<String> advanceSequences(String target) {
            List<String> sql = new ArrayList<>();
            for (String pair : sequences) {
                int eq = pair.indexOf('=');
                String column = pair.substring(0, eq);
                String sequence = literal(pair.substring(eq + 1));
                sql.add("SELECT setval(" + sequence + "::regclass, GREATEST(coalesce((SELECT max(t." + quote(column) + ") FROM "
                        + target + " t), 1), coalesce(pg_sequence_last_value(" + sequence + "::regclass), 1)))");
            }
            return sql;
        }
    }

    // ------------------------------------------------------------------ capture on the source

    static String logTable(String moveId) {
        return quote(CAPTURE_SCHEMA) + "." + quote("log_" + moveId);
    }

    static String trigger(String moveId) {
        return quote("tenantdb_move_" + moveId);
    }

    static String truncateTrigger(String moveId) {
        return quote("tenantdb_move_" + moveId + "_truncate");
    }

    /** Advisory lock key of a move's fence (two int4 halves). */
    static String lockKey(String moveId) {
        return "hashtext('tenantdb_move'), hashtext(" + literal(moveId) + ")";
    }

    /** The capture set-up in the source database, run in one transaction. */
    static List<String> captureSetup(String moveId, String tenant, boolean filter, List<TableMap> tables, java.util.function.Function<String, String> qualified) {
        String s = quote(CAPTURE_SCHEMA);
        List<String> sql = new ArrayList<>();
        sql.add("CREATE SCHEMA IF NOT EXISTS " + s);
        sql.add("GRANT USAGE ON SCHEMA " + s + " TO PUBLIC");
        sql.add("CREATE TABLE IF NOT EXISTS " + s + ".fence (move_id text PRIMARY KEY, state text NOT NULL)");
        sql.add("CREATE TABLE IF NOT EXISTS " + logTable(moveId) + " (seq bigserial PRIMARY KEY, tbl text NOT NULL, "
                + "op \"char\" NOT NULL, data jsonb NOT NULL)");
        // argv: move id, tenant, filter by tenant_id (t/f), log table, key columns...
        sql.add("CREATE OR REPLACE FUNCTION " + s + ".capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
                + "SET search_path = pg_catalog AS $tenantdb$\n"
                + "DECLARE o jsonb; n jsonb; st text; changed boolean := false; i int;\n"
                + "BEGIN\n"
                + "  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); IF TG_ARGV[2] = 't' AND o->>'tenant_id' IS DISTINCT FROM TG_ARGV[1] THEN o := NULL; END IF; END IF;\n"
                + "  IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); IF TG_ARGV[2] = 't' AND n->>'tenant_id' IS DISTINCT FROM TG_ARGV[1] THEN n := NULL; END IF; END IF;\n"
                + "  IF o IS NULL AND n IS NULL THEN RETURN NULL; END IF;\n"
                + "  PERFORM pg_advisory_xact_lock_shared(hashtext('tenantdb_move'), hashtext(TG_ARGV[0]));\n"
                + "  SELECT f.state INTO st FROM tenantdb_move.fence f WHERE f.move_id = TG_ARGV[0];\n"
                + "  IF st IS DISTINCT FROM 'open' THEN\n"
                + "    RAISE EXCEPTION 'tenant % is being moved (move %): its writes are fenced on this database, retry the write', TG_ARGV[1], TG_ARGV[0]\n"
                + "      USING ERRCODE = '40001', HINT = 'retry: the write goes to the tenant''s new placement once the move switched';\n"
                + "  END IF;\n"
                + "  IF o IS NOT NULL AND n IS NOT NULL THEN\n"
                + "    FOR i IN 4 .. TG_NARGS - 1 LOOP IF o->TG_ARGV[i] IS DISTINCT FROM n->TG_ARGV[i] THEN changed := true; END IF; END LOOP;\n"
                + "    IF NOT changed THEN o := NULL; END IF;\n"
                + "  END IF;\n"
                + "  IF o IS NOT NULL THEN EXECUTE format('INSERT INTO tenantdb_move.%I (tbl, op, data) VALUES ($1, ''D'', $2)', TG_ARGV[3]) USING TG_TABLE_NAME, o; END IF;\n"
                + "  IF n IS NOT NULL THEN EXECUTE format('INSERT INTO tenantdb_move.%I (tbl, op, data) VALUES ($1, ''U'', $2)', TG_ARGV[3]) USING TG_TABLE_NAME, n; END IF;\n"
                + "  RETURN NULL;\n"
                + "END $tenantdb$");
        sql.add("CREATE OR REPLACE FUNCTION " + s + ".refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $tenantdb$\n"
                + "BEGIN RAISE EXCEPTION 'TRUNCATE of % is refused while tenant % is being moved (move %): it would not be replicated', "
                + "TG_TABLE_NAME, TG_ARGV[1], TG_ARGV[0] USING ERRCODE = '55000'; END $tenantdb$");
        sql.add("INSERT INTO " + s + ".fence (move_id, state) VALUES (" + literal(moveId) + ", 'open') ON CONFLICT (move_id) DO NOTHING");
        for (TableMap t : tables) {
            String table = qualified.apply(t.name());
            StringBuilder args = new StringBuilder().append(literal(moveId)).append(", ").append(literal(tenant)).append(", ")
                    .append(filter ? "'t'" : "'f'").append(", ").append(literal("log_" + moveId));
            t.key().forEach(k -> args.append(", ").append(literal(k)));
            sql.add("DROP TRIGGER IF EXISTS " + trigger(moveId) + " ON " + table);
            sql.add("CREATE TRIGGER " + trigger(moveId) + " AFTER INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + s + ".capture(" + args + ")");
            sql.add("DROP TRIGGER IF EXISTS " + truncateTrigger(moveId) + " ON " + table);
            sql.add("CREATE TRIGGER " + truncateTrigger(moveId) + " BEFORE TRUNCATE ON " + table
                    + " FOR EACH STATEMENT EXECUTE FUNCTION " + s + ".refuse_truncate(" + literal(moveId) + ", " + literal(tenant) + ")");
        }
        return sql;
    }

    /** Removes the capture of a move (idempotent; tables already gone are skipped). */
    static List<String> captureTeardown(String moveId, List<String> qualifiedTables) {
        List<String> sql = new ArrayList<>();
        for (String table : qualifiedTables) {
            sql.add("DO $tenantdb$ BEGIN IF to_regclass(" + literal(table) + ") IS NOT NULL THEN "
                    + "DROP TRIGGER IF EXISTS " + trigger(moveId) + " ON " + table + "; "
                    + "DROP TRIGGER IF EXISTS " + truncateTrigger(moveId) + " ON " + table + "; END IF; END $tenantdb$");
        }
        sql.add("DROP TABLE IF EXISTS " + logTable(moveId));
        sql.add("DO $tenantdb$ BEGIN IF to_regclass('tenantdb_move.fence') IS NOT NULL THEN "
                + "DELETE FROM tenantdb_move.fence WHERE move_id = " + literal(moveId) + "; END IF; END $tenantdb$");
        return sql;
    }
}
