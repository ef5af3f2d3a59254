package io.tenantdb.core.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementTest {

    @Test
    void positionalBindsKeepTheirOrderAndCannotBeChangedFromOutside() {
        Object[] values = {42L, "x", new Statement.Null(String.class)};
        Statement s = Statement.of("SELECT $1, $2, $3", values);
        values[0] = 7L;
        assertThat(s.positionalBinds()).containsExactly(42L, "x", new Statement.Null(String.class));
        assertThatThrownBy(() -> s.positionalBinds().set(0, 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aNullBindIsRefusedNamingItsPlaceholderAndTheFix() {
        assertThatThrownBy(() -> Statement.of("SELECT $1, $2", 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$2").hasMessageContaining("Statement.Null");
    }

    @Test
    void bindingOneMoreValueLeavesTheOriginalAsItWas() {
        Statement one = Statement.of("SELECT $1, $2", 1);
        Statement more = one.bind(1, "b");
        assertThat(one.positionalBinds()).containsExactly(1);
        assertThat(more.positionalBinds()).containsExactly(1, "b");
        assertThatThrownBy(() -> Statement.of("SELECT $1, $3", 1).bind(2, "c").positionalBinds())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("$2");
    }

    @Test
    void noBindsIsAStatementWithoutBinds() {
        assertThat(Statement.of("SELECT 1", new Object[0]).positionalBinds()).isEmpty();
        assertThatThrownBy(() -> Statement.of(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
