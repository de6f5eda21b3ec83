package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ApplicationContextException;

/** Which start-up failures are one line, found however deep Spring wrapped them. */
class StartupFailureReporterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final StartupFailureReporter reporter =
            new StartupFailureReporter(new PrintStream(out, true, StandardCharsets.UTF_8));

    private static Throwable wrapped(Throwable cause) {
        return new ApplicationContextException("Unable to start web server",
                new BeanCreationException("storage", "Factory method 'storage' threw exception", cause));
    }

    @Test
    void knownFailuresArePrintedAsOneLine() {
        assertThat(reporter.reportException(wrapped(new StartupFailure("the data dir /d is not writable")))).isTrue();
        assertThat(reporter.reportException(wrapped(new StorageException(StorageException.Code.INTERNAL, null,
                "the embedded store /d/db/state.db is corrupt (SQLite quick_check: *** in database main ***\n"
                        + "Tree 3 page 19: btreeInitPage() returns error code 11)")))).isTrue();
        assertThat(reporter.reportException(new ApplicationContextException("x", new PortInUseException(6443))))
                .isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                Error: the data dir /d is not writable
                Error: the embedded store /d/db/state.db is corrupt (SQLite quick_check: *** in database main *** \
                Tree 3 page 19: btreeInitPage() returns error code 11)
                Error: port 6443 is already in use: stop what listens there or choose another --secure-port
                """);
    }

    @Test
    void otherFailuresKeepBootsReport() {
        assertThat(reporter.reportException(wrapped(new IllegalStateException("a bug")))).isFalse();
        assertThat(out.size()).isZero();
    }
}
