package dev.responsesrelay.store;

import dev.responsesrelay.state.InMemoryResponseStore;
import dev.responsesrelay.state.ResponseStore;
import java.time.Clock;

/** The contract on the core's bounded in-memory store. */
class InMemoryStoreContractTest extends ResponseStoreContract {
    @Override
    ResponseStore newStore(Clock clock) {
        return new InMemoryResponseStore(1000, 64L << 20, RETENTION, clock);
    }
}
