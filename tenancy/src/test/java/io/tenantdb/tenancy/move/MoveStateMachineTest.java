package io.tenantdb.tenancy.move;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The step state machine: order, persistence after each step, resumption after crashes anywhere. */
class MoveStateMachineTest {

    private static final MoveState PLANNED = new MoveState("m1", TenantId.of("acme"), DatabaseType.POSTGRESQL,
            Placement.of("a", IsolationStrategy.ROW_LEVEL_SECURITY), Placement.of("b", IsolationStrategy.DATABASE_PER_TENANT),
            MoveStep.PROVISION, 0, -1);

    /** Records the steps run; fails the listed steps once each. */
    private static final class Steps implements MoveStateMachine.Steps {
        final List<MoveStep> ran = new ArrayList<>();
        final Set<MoveStep> failOnce;

        Steps(MoveStep... failOnce) {
            this.failOnce = new java.util.HashSet<>(List.of(failOnce));
        }

        @Override
        public Mono<MoveState> run(MoveStep step, MoveState state) {
            ran.add(step);
            if (failOnce.remove(step)) {
                return Mono.error(new IllegalStateException("crash in " + step));
            }
            return Mono.just(step == MoveStep.FENCE ? state.fenceStarted(1234) : state);
        }
    }

    /** Keeps the last durable state; fails the save of the listed steps once each. */
    private static final class Store implements MoveStateMachine.Store {
        final AtomicReference<MoveState> durable = new AtomicReference<>(PLANNED);
        final List<MoveStep> saved = new ArrayList<>();
        final Set<MoveStep> failSaveOnce;

        Store(MoveStep... failSaveOnce) {
            this.failSaveOnce = new java.util.HashSet<>(List.of(failSaveOnce));
        }

        @Override
        public Mono<Void> save(MoveState state) {
            return Mono.defer(() -> {
                if (failSaveOnce.remove(state.step())) {
                    return Mono.error(new IllegalStateException("crash before saving " + state.step()));
                }
                saved.add(state.step());
                durable.set(state);
                return Mono.empty();
            });
        }
    }

    private static MoveState run(MoveState from, MoveStep stopBefore, Steps steps, Store store) {
        return MoveStateMachine.run(from, stopBefore, steps, store).block(Duration.ofSeconds(5));
    }

    @Test
    void runsEveryStepOnceInOrderAndPersistsEachCompletion() {
        Steps steps = new Steps();
        Store store = new Store();
        MoveState done = run(PLANNED, null, steps, store);
        assertThat(steps.ran).containsExactly(MoveStep.PROVISION, MoveStep.CAPTURE, MoveStep.COPY, MoveStep.CATCH_UP,
                MoveStep.FENCE, MoveStep.SWITCH, MoveStep.CLEANUP);
        assertThat(store.saved).containsExactly(MoveStep.CAPTURE, MoveStep.COPY, MoveStep.CATCH_UP, MoveStep.FENCE,
                MoveStep.SWITCH, MoveStep.CLEANUP, MoveStep.DONE);
        assertThat(done.done()).isTrue();
        assertThat(done.fenceStartedAt()).as("what a step records is persisted with its completion").isEqualTo(1234);
    }

    @Test
    void aCrashInsideAStepResumesAtThatStepWithoutRerunningEarlierOnes() {
        Steps steps = new Steps(MoveStep.COPY);
        Store store = new Store();
        assertThat(catchThrowable(() -> run(PLANNED, null, steps, store))).hasMessageContaining("crash in COPY");
        assertThat(store.durable.get().step()).isEqualTo(MoveStep.COPY);

        MoveState done = run(store.durable.get(), null, steps, store);
        assertThat(done.done()).isTrue();
        assertThat(steps.ran).containsExactly(MoveStep.PROVISION, MoveStep.CAPTURE, MoveStep.COPY, MoveStep.COPY,
                MoveStep.CATCH_UP, MoveStep.FENCE, MoveStep.SWITCH, MoveStep.CLEANUP);
    }

    @Test
    void aCrashAfterAStepButBeforeItWasPersistedRunsThatStepAgain() {
        Steps steps = new Steps();
        Store store = new Store(MoveStep.SWITCH);   // FENCE ran, saving "next is SWITCH" failed
        assertThat(catchThrowable(() -> run(PLANNED, null, steps, store))).hasMessageContaining("crash before saving SWITCH");
        assertThat(store.durable.get().step()).isEqualTo(MoveStep.FENCE);

        run(store.durable.get(), null, steps, store);
        assertThat(steps.ran.stream().filter(s -> s == MoveStep.FENCE)).as("the fence is idempotent and runs again").hasSize(2);
        assertThat(store.durable.get().done()).isTrue();
    }

    @Test
    void stopsBeforeTheGivenStepAndResumesThereLater() {
        Steps steps = new Steps();
        Store store = new Store();
        MoveState paused = run(PLANNED, MoveStep.FENCE, steps, store);
        assertThat(paused.step()).isEqualTo(MoveStep.FENCE);
        assertThat(steps.ran).containsExactly(MoveStep.PROVISION, MoveStep.CAPTURE, MoveStep.COPY, MoveStep.CATCH_UP);

        run(store.durable.get(), null, steps, store);
        assertThat(steps.ran).endsWith(MoveStep.FENCE, MoveStep.SWITCH, MoveStep.CLEANUP);
        assertThat(steps.ran).hasSize(7);
    }

    @Test
    void aFinishedMoveRunsNothing() {
        Steps steps = new Steps();
        Store store = new Store();
        MoveState done = run(PLANNED.at(MoveStep.DONE), null, steps, store);
        assertThat(done.done()).isTrue();
        assertThat(steps.ran).isEmpty();
        assertThat(store.saved).isEmpty();
    }
}
