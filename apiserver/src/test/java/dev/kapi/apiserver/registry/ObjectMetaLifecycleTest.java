package dev.kapi.apiserver.registry;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The system fields' values: creation timestamps in whole seconds (UTC, RFC 3339) and random v4 uids. */
class ObjectMetaLifecycleTest {

    @Test
    void nowIsTheCurrentSecond() {
        for (int i = 0; i < 3; i++) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String now = ObjectMetaLifecycle.now();
            Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            assertThat(now).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
            assertThat(Instant.parse(now)).isBetween(before, after);
        }
    }

    @Test
    void uidsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String uid = ObjectMetaLifecycle.newUid();
            UUID parsed = UUID.fromString(uid);
            assertThat(parsed.version()).isEqualTo(4);
            assertThat(parsed.variant()).isEqualTo(2);
            assertThat(parsed.toString()).isEqualTo(uid);
            assertThat(seen.add(uid)).as("unique").isTrue();
        }
    }
}
