package dev.kapi.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.readcheck.ReadRace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads through a decorated storage (a watch cache) are linearizable while writes race, on the backend
 * directly and through the decorator (issue #14): a MOST_RECENT get or list reflects every write
 * acknowledged before it was sent, NOT_OLDER_THAN N never answers older than N, an ANY list is a state the
 * backend had (its EXACT list at the answer's revision), pages of one list share its revision, and watches
 * deliver every change in order exactly once, resume from the last revision they saw without gap or
 * duplicate, and never send a PROGRESS below a delivered change or ahead of one still to come. See
 * {@link ReadRace} for the race and its checks.
 *
 * <p>A subclass gives the backend and the decorator to test: {@link #decorate} builds it for one resource
 * prefix (e.g. {@code new Cacher(backend, prefix, options)}), {@link #awaitReady} waits until it serves from
 * itself (a cache that never primed would pass by passing everything through).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LinearizableReadTests {

    private Storage backend;
    private Storage decorated;
    private final String root = "/lin-" + UUID.randomUUID();
    private String prefix;

    /** The backend, opened once for the class and closed after it; PROGRESS on quiet watches within a second or so. */
    protected abstract Storage newBackend();

    /**
     * The storage under test, in front of {@code backend}, for the keys under {@code prefix} (ending in
     * {@code /}, like {@code /registry/configmaps/}); the backend itself for a plain backend. Closed after each
     * test unless it is the backend; closing it must leave the backend open.
     */
    protected abstract Storage decorate(Storage backend, String prefix);

    /** Waits until {@code decorated} serves reads and watches itself (a cache: primed); nothing by default. */
    protected void awaitReady(Storage decorated) {
    }

    /** Checks after a race that {@code decorated} answered reads itself (a cache: from memory); nothing by default. */
    protected void assertServedItself(Storage decorated) {
    }

    /** How long each race runs. */
    protected Duration raceTime() {
        return Duration.ofSeconds(3);
    }

    @BeforeAll
    void openBackend() {
        backend = newBackend();
    }

    @AfterAll
    void closeBackend() {
        backend.close();
    }

    @BeforeEach
    void decorateFreshPrefix() {
        prefix = root + "/" + UUID.randomUUID().toString().substring(0, 8) + "/";
        decorated = decorate(backend, prefix);
        awaitReady(decorated);
    }

    @AfterEach
    void closeDecorated() {
        if (decorated != backend) {
            decorated.close();
        }
    }

    @Test
    void readsAndWatchesStayLinearizableWhileWritesRace() throws InterruptedException {
        ReadRace.Report report = ReadRace.run(backend, decorated, prefix, raceTime(), Duration.ofSeconds(15));
        System.out.println(getClass().getSimpleName() + " race: " + report.counts());

        assertThat(report.violations()).as("linearizability violations").isEmpty();
        assertThat(report.counts().get("writes")).as("writes").isGreaterThan(30);
        assertThat(report.counts()).as("every kind of read and some watch resumptions")
                .containsKeys("get MOST_RECENT", "get NOT_OLDER_THAN", "get ANY", "list MOST_RECENT",
                        "list NOT_OLDER_THAN", "list ANY", "watch resumptions");
        assertThat(report.counts().get("watch events")).isEqualTo(report.counts().get("writes"));
        assertServedItself(decorated);
    }
}
