package io.tenantdb.postgresql.internal;

import io.tenantdb.core.OperationKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OperationKindTest {

    @Test
    void onlyStatementsThatCannotWriteAreReads() {
        assertThat(PostgresEngine.kindOf("  select * from t")).isEqualTo(OperationKind.READ);
        assertThat(PostgresEngine.kindOf("(SELECT 1) UNION (SELECT 2)")).isEqualTo(OperationKind.READ);
        assertThat(PostgresEngine.kindOf("SHOW search_path")).isEqualTo(OperationKind.READ);
        assertThat(PostgresEngine.kindOf("SELECT * FROM t FOR UPDATE")).isEqualTo(OperationKind.WRITE);
        assertThat(PostgresEngine.kindOf("SELECT nextval('s')")).isEqualTo(OperationKind.WRITE);
        assertThat(PostgresEngine.kindOf("INSERT INTO t VALUES (1) RETURNING id")).isEqualTo(OperationKind.WRITE);
        assertThat(PostgresEngine.kindOf("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")).isEqualTo(OperationKind.WRITE);
    }
}
