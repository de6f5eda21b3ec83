package dev.kapi.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.testing.Tmpfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Size-based rotation as kube's audit log (lumberjack) does it: backup names, the count and age limits,
 * compression, file modes, and a full disk that costs events but never throws.
 */
class RotatingFileTest {

    private static final Instant T0 = Instant.parse("2026-12-04T01:02:03Z");

    @TempDir
    Path dir;

    private static byte[] line(char c, int length) {
        return (String.valueOf(c).repeat(length - 1) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteThatWouldPassTheMaximumRotatesToATimestampedBackupAndFilesAre0600() throws Exception {
        Path file = dir.resolve("logs/audit.log");
        try (RotatingFile log = new RotatingFile(file, 100, 0, 0, false, Clock.fixed(T0, ZoneOffset.UTC)).open()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs")))).isEqualTo("rwx------");
            log.write(line('a', 60));
            log.write(line('b', 40)); // exactly 100: no rotation
            log.write(line('c', 10));
            log.write(line('d', 95));
        }
        assertThat(names()).containsExactly("audit-2026-12-04T01-02-03.000.log", "audit-2026-12-04T01-02-03.001.log",
                "audit.log");
        assertThat(Files.readString(dir.resolve("logs/audit-2026-12-04T01-02-03.000.log"))).startsWith("aaa").contains("bbb");
        assertThat(Files.readString(dir.resolve("logs/audit-2026-12-04T01-02-03.001.log"))).startsWith("ccc");
        assertThat(Files.readString(file)).startsWith("ddd");
        for (String n : names()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs").resolve(n))))
                    .as(n).isEqualTo("rw-------");
        }
    }

    @Test
    void anExistingFileIsAppendedToAndALineLargerThanTheMaximumIsRefused() throws Exception {
        Path file = dir.resolve("logs/audit.log");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old\n");
        try (RotatingFile log = new RotatingFile(file, 50, 0, 0, false, Clock.systemUTC()).open()) {
            log.write(line('n', 10));
            assertThatThrownBy(() -> log.write(line('x', 51))).hasMessage("write length 51 exceeds maximum file size 50");
        }
        assertThat(Files.readString(file)).isEqualTo("old\nnnnnnnnnn\n");
    }

    @Test
    void backupsBeyondTheCountOrOlderThanTheAgeAreRemovedAndTheRestCompressed() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("audit-2026-11-01T00-00-00.000.log"), "too old\n");
        Files.writeString(logs.resolve("audit-2026-12-03T00-00-00.000.log"), "recent\n");
        Files.writeString(logs.resolve("audit-notatime.log"), "not ours\n");
        Files.writeString(logs.resolve("other.log"), "not ours\n");
        RotatingFile log = new RotatingFile(logs.resolve("audit.log"), 20, 2, 7, true, Clock.fixed(T0, ZoneOffset.UTC));
        log.open();
        for (char c = 'a'; c <= 'd'; c++) {
            log.write(line(c, 20)); // every write after the first rotates
        }
        log.mill(); // what the background mill does after a rotation, done here to wait for it
        log.close();
        assertThat(names()).containsExactly("audit-2026-12-04T01-02-03.001.log.gz", "audit-2026-12-04T01-02-03.002.log.gz",
                "audit-notatime.log", "audit.log", "other.log");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(logs.resolve("audit-2026-12-04T01-02-03.002.log.gz")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("c".repeat(19) + "\n");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                logs.resolve("audit-2026-12-04T01-02-03.002.log.gz")))).isEqualTo("rw-------");
    }

    /**
     * The audit disk fills up: events are dropped (process says false), nothing throws, no line is left cut short,
     * and writing resumes once there is space.
     */
    @Test
    void aFullDiskDropsEventsWithoutFailingAndWritingResumesOnceThereIsSpace() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), "1m")) {
            Path file = disk.path().resolve("audit.log");
            RotatingFile out = new RotatingFile(file, 10L * 1024 * 1024, 0, 0, false, Clock.systemUTC()).open();
            try (LogBackend backend = new LogBackend(out)) {
                AuditEvent event = new AuditEvent(Level.Metadata, "id-1", "/api", "get",
                        new UserInfo("alice", "", List.of(), Map.of()), List.of("127.0.0.1"), "", null, Instant.now());
                assertThat(backend.process(event)).isTrue();
                disk.fill(0);
                boolean failed = false;
                for (int i = 0; i < 2000 && !failed; i++) {
                    failed = !backend.process(event);
                }
                assertThat(failed).as("a write on the full disk failed").isTrue();
                disk.unfill();
                assertThat(backend.process(event)).isTrue();
            }
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSizeGreaterThan(2).allSatisfy(l ->
                    assertThat(dev.kapi.apiserver.api.Json.MAPPER.readTree(l).path("auditID").asString()).isEqualTo("id-1"));
        }
    }
}
