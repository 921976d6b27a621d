package dev.responsesrelay.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The admission budget's accounting (issue 18), without a server. */
class MemoryBudgetTest {
    @Test
    void aRequestThatDoesNotFitIsRefusedAfterTheWaitAndAdmittedOnceTheOtherIsReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Permit first = budget.tryAcquire(80, Duration.ZERO);
        assertThat(first).isNotNull();

        assertThat(budget.tryAcquire(40, Duration.ofMillis(20))).isNull();

        first.release();
        assertThat(budget.used()).isZero();
        assertThat(budget.tryAcquire(40, Duration.ZERO)).isNotNull();
    }

    @Test
    void aHoldKeepsTheChargeAfterTheExchangeUntilItIsReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Permit permit = budget.tryAcquire(60, Duration.ZERO);
        assertThat(permit).isNotNull();
        Runnable recordWritten = permit.hold();

        permit.release();
        assertThat(budget.used())
                .as("the pending record still holds the request's items")
                .isEqualTo(60);

        recordWritten.run();
        assertThat(budget.used()).isZero();
        recordWritten.run();
        permit.release();
        assertThat(budget.used()).as("later releases give nothing back twice").isZero();
    }

    @Test
    void aHoldTakenAfterTheChargeWasGivenBackHoldsNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Permit permit = budget.tryAcquire(60, Duration.ZERO);
        assertThat(permit).isNotNull();
        permit.release();

        Runnable late = permit.hold();
        late.run();
        assertThat(budget.used()).isZero();
        assertThat(budget.tryAcquire(100, Duration.ZERO)).isNotNull();
    }
}
