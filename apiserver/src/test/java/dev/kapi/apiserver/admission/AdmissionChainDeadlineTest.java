package dev.kapi.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.RequestDeadline;
import dev.kapi.apiserver.api.StatusError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Validating admission is the last step before a write is stored: once the request's deadline has passed, the
 * write is refused with a 504, whatever the plugins said (a webhook under failurePolicy Ignore that the deadline
 * cut short must not let a write through that it would have denied).
 */
class AdmissionChainDeadlineTest {

    @Test
    void aWriteWhoseDeadlinePassedIsRefusedAfterThePluginsRan() {
        AtomicInteger ran = new AtomicInteger();
        AdmissionChain chain = new AdmissionChain(List.of(), List.of(new ValidatingAdmission() {
            @Override
            public String name() {
                return "Counting";
            }

            @Override
            public void validate(AdmissionAttributes attributes) {
                ran.incrementAndGet();
            }
        }));
        chain.validate(null);
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(Duration.ofMinutes(1))) {
            chain.validate(null);
        }
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(Duration.ZERO)) {
            assertThatThrownBy(() -> chain.validate(null)).isInstanceOfSatisfying(StatusError.class, e -> {
                assertThat(e.code()).isEqualTo(504);
                assertThat(e.reason()).isEqualTo("Timeout");
            });
        }
        assertThat(ran).hasValue(3);
        chain.validate(null); // the deadline ended with its request
    }
}
