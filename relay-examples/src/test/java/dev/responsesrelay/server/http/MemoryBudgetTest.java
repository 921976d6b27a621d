package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
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

    /** What a WebSocket message's parts get (ResponsesWebSocket): an answer at once, never a wait. */
    @Test
    void tryGrowChargesWhatFitsNowAndRefusesTheRestWithoutWaiting() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Permit alone = budget.open();
        assertThat(alone.tryGrow(150)).as("alone, a message always fits").isTrue();
        alone.release();

        MemoryBudget.Permit other = budget.tryAcquire(70, Duration.ZERO);
        assertThat(other).isNotNull();
        MemoryBudget.Permit message = budget.open();
        assertThat(message.tryGrow(20)).isTrue();
        assertThat(message.tryGrow(20)).as("70 + 20 + 20 > 100").isFalse();
        assertThat(budget.used()).isEqualTo(90);

        message.release();
        other.release();
        assertThat(budget.used()).isZero();
        assertThat(message.tryGrow(1))
                .as("a permit given back charges nothing more")
                .isFalse();
        assertThat(budget.used()).isZero();
    }

    @Test
    void anOpenPermitGrowsWithoutWaitingThenWaitsWithoutAThreadForTheRest() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            MemoryBudget.Permit other = budget.tryAcquire(70, Duration.ZERO);
            assertThat(other).isNotNull();
            MemoryBudget.Permit trickle = budget.open();
            trickle.grow(10);
            assertThat(budget.used()).isEqualTo(80);

            CompletableFuture<Boolean> granted = new CompletableFuture<>();
            trickle.growWhenFits(50, Duration.ofMinutes(1), scheduler, Runnable::run, granted::complete);
            assertThat(granted).as("80 + 50 > 100: waits").isNotDone();

            other.release();
            assertThat(granted.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(budget.used()).isEqualTo(60);
            assertThat(trickle.held()).isEqualTo(60);

            MemoryBudget.Permit late = budget.tryAcquire(30, Duration.ZERO);
            assertThat(late).isNotNull();
            CompletableFuture<Boolean> refused = new CompletableFuture<>();
            late.growWhenFits(50, Duration.ofMillis(20), scheduler, Runnable::run, refused::complete);
            assertThat(refused.get(10, TimeUnit.SECONDS))
                    .as("no room within the wait")
                    .isFalse();
            assertThat(budget.used()).isEqualTo(90);

            trickle.release();
            late.release();
            assertThat(budget.used()).isZero();
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void aPermitGivenBackWhileWaitingIsRefusedAndChargesNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            MemoryBudget.Permit other = budget.tryAcquire(90, Duration.ZERO);
            assertThat(other).isNotNull();
            MemoryBudget.Permit waiting = budget.open();
            waiting.grow(5);
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            waiting.growWhenFits(50, Duration.ofMinutes(1), scheduler, Runnable::run, answer::complete);
            waiting.release(); // the body's deadline passed while it waited
            other.release();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(budget.used()).isZero();
        } finally {
            scheduler.stop();
        }
    }
}
