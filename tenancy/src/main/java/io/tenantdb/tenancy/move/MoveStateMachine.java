package io.tenantdb.tenancy.move;

import reactor.core.publisher.Mono;

/**
 * Runs a move's steps in order from its recorded step. A step's completion is persisted (as the
 * next step) only after the step succeeded, so a crash anywhere — inside a step or between the
 * step and its persistence — resumes by running that step again: every step must be idempotent.
 */
final class MoveStateMachine {

    /** What each step does. */
    interface Steps {
        /**
         * @param step  the step to run
         * @param state the state before it
         * @return the state after it (same step; fields such as the fence times may change)
         */
        Mono<MoveState> run(MoveStep step, MoveState state);
    }

    /** Where states are persisted. */
    interface Store {
        /** @param state the state to persist @return completes once durable */
        Mono<Void> save(MoveState state);
    }

    private MoveStateMachine() {
    }

    /**
     * @param start      the persisted state
     * @param stopBefore stop when this is the next step (it does not run), or null to run to the end
     * @param steps      the steps
     * @param store      the persistence
     * @return the last persisted state
     */
    static Mono<MoveState> run(MoveState start, MoveStep stopBefore, Steps steps, Store store) {
        return Mono.just(start)
                .expand(s -> {
                    if (s.done() || s.step() == stopBefore) {
                        return Mono.empty();
                    }
                    MoveStep step = s.step();
                    return steps.run(step, s).flatMap(after -> {
                        MoveState next = after.at(step.next());
                        return store.save(next).thenReturn(next);
                    });
                })
                .last();
    }
}
