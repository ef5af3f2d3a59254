package io.tenantdb.tenancy.move;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which tables can be moved between each other, and what is copied. */
class TableMapTest {

    private static final Sql.Table SHARED = new Sql.Table("items", List.of("tenant_id", "id", "write_id", "payload"),
            List.of("tenant_id", "id"), List.of("id=\"public\".items_id_seq"));
    private static final Sql.Table OWN = new Sql.Table("items", List.of("id", "write_id", "payload"), List.of("id"),
            List.of("id=\"public\".items_id_seq"));

    @Test
    void sharedRowsMoveIntoAnOwnTableWithoutTheTenantColumnInTheKey() {
        Sql.TableMap m = (Sql.TableMap) Sql.TableMap.of(SHARED, OWN, true, false);
        assertThat(m.key()).containsExactly("id");
        assertThat(m.columns()).containsExactly("id", "write_id", "payload");
        assertThat(m.checksummed()).containsExactly("id", "write_id", "payload");
        assertThat(m.copyBatch("\"public\".\"items\"", true, 10)).contains("t.tenant_id = $1").contains("$2::jsonb");
    }

    @Test
    void ownRowsMovingIntoASharedTableGetTheTenantColumnSet() {
        Sql.TableMap m = (Sql.TableMap) Sql.TableMap.of(OWN, SHARED, false, true);
        assertThat(m.columns()).doesNotContain("tenant_id");
        assertThat(m.upsert("\"public\".\"items\"")).contains("\"tenant_id\") OVERRIDING SYSTEM VALUE SELECT")
                .contains(", $2 FROM").contains("ON CONFLICT (\"tenant_id\", \"id\")");
        assertThat(m.delete("\"public\".\"items\"")).contains("t.tenant_id = $2");
    }

    @Test
    void aTableMissingAtTheTargetIsRefusedWithTheFix() {
        assertThat(Sql.TableMap.of(SHARED, null, true, false)).asString()
                .contains("does not exist at the target").contains("tenant_ddl");
    }

    @Test
    void aTableWithoutPrimaryKeyOrWithDifferentKeysIsRefused() {
        Sql.Table noKey = new Sql.Table("items", List.of("id", "write_id"), List.of(), List.of());
        assertThat(Sql.TableMap.of(noKey, OWN, false, false)).asString().contains("no primary key");
        Sql.Table otherKey = new Sql.Table("items", List.of("id", "write_id", "payload"), List.of("write_id"), List.of());
        assertThat(Sql.TableMap.of(OWN, otherKey, false, false)).asString().contains("primary key [id] at the source but [write_id]");
    }

    @Test
    void identifiersAreQuoted() {
        Sql.Table odd = new Sql.Table("we\"ird", List.of("i\"d", "v"), List.of("i\"d"), List.of());
        Sql.TableMap m = (Sql.TableMap) Sql.TableMap.of(odd, odd, false, false);
        assertThat(m.upsert("\"s\".\"we\"\"ird\"")).contains("\"i\"\"d\"").doesNotContain("\"i\"d\"");
    }
}
