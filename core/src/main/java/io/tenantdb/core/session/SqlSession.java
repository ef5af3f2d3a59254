package io.tenantdb.core.session;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.function.Function;

/**
 * Tenant-scoped SQL: PostgreSQL, TimescaleDB, ClickHouse.
 *
 * <p>Results stream with back-pressure; the connection is released when the result completes,
 * errors or is cancelled.
 *
 * @apiNote nothing happens until subscription.
 */
public interface SqlSession extends Session {

    /**
     * Runs a query and streams its rows.
     *
     * @param sql   SQL with {@code $n} placeholders
     * @param binds the values, in order
     * @return the rows
     */
    default Flux<Row> query(String sql, Object... binds) {
        return query(Statement.of(sql, binds));
    }

    /**
     * Runs a query and streams its rows.
     *
     * @param statement the statement
     * @return the rows, detached from the connection (safe to keep)
     */
    Flux<Row> query(Statement statement);

    /**
     * Runs a query and maps each row while it is still attached to the connection (cheapest way to
     * read typed values).
     *
     * @param statement the statement
     * @param mapper    called once per row; must not keep the row
     * @param <T>       the mapped type
     * @return the mapped rows
     */
    <T> Flux<T> query(Statement statement, Function<? super Row, ? extends T> mapper);

    /**
     * Runs a statement that changes data or schema.
     *
     * @param sql   SQL with {@code $n} placeholders
     * @param binds the values, in order
     * @return the number of rows affected
     */
    default Mono<Long> execute(String sql, Object... binds) {
        return execute(Statement.of(sql, binds));
    }

    /**
     * Runs a statement that changes data or schema.
     *
     * @param statement the statement
     * @return the number of rows affected (0 for DDL)
     */
    Mono<Long> execute(Statement statement);

    /**
     * Runs several statements on one connection, in one transaction where the engine has them.
     *
     * @param statements the statements, in order
     * @return rows affected, one element per statement
     */
    Flux<Long> batch(List<Statement> statements);

    /**
     * Runs {@code work} in one transaction: committed when its publisher completes, rolled back when
     * it errors or is cancelled. The session passed to {@code work} runs on the transaction's
     * connection.
     *
     * @param work what to do in the transaction
     * @param <T>  the result type
     * @return the results of {@code work}
     */
    default <T> Flux<T> inTransaction(Function<? super SqlSession, ? extends Publisher<T>> work) {
        return inTransaction(TransactionOptions.DEFAULT, work);
    }

    /**
     * Runs {@code work} in one transaction with the given options.
     *
     * @param options isolation level and read-only flag
     * @param work    what to do in the transaction
     * @param <T>     the result type
     * @return the results of {@code work}
     * @throws io.tenantdb.core.exception.UnsupportedFeatureException (as an error signal) where the
     *     engine has no transactions
     */
    <T> Flux<T> inTransaction(TransactionOptions options, Function<? super SqlSession, ? extends Publisher<T>> work);
}
