package dev.kapi.apiserver.controllers.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler's amounts of made-up quantities saturate at once (a pod asking 1e60000000 cpu once held it). */
class ResourcesTest {

    @Test
    @Timeout(10)
    void madeUpExponentsSaturate() {
        assertThat(Resources.amount(Resources.CPU, new Quantity("1e600000000"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Resources.amount(Resources.MEMORY, new Quantity("1e600000000"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Resources.amount(Resources.CPU, new Quantity("1e-600000000"))).isEqualTo(1);
        assertThat(Resources.amount(Resources.CPU, new Quantity("250m"))).isEqualTo(250);
        assertThat(Resources.amount(Resources.MEMORY, new Quantity("1Gi"))).isEqualTo(1L << 30);
    }
}
