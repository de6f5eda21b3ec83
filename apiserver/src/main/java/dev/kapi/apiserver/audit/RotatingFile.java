package dev.kapi.apiserver.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPOutputStream;

/**
 * An append-only log file rotated by size, as kube-apiserver's audit log is (lumberjack): when a write would take
 * the file past {@code maxSize} bytes (100 MiB when 0), the file is renamed to
 * {@code <name>-<UTC time>.<ext>} ({@code audit.log} → {@code audit-2026-12-04T01-02-03.000.log}) and a new one
 * begun. Then, in the background, backups beyond {@code maxBackups} (0 = keep all, newest kept) and older than
 * {@code maxAgeDays} by the time in their name (0 = any age) are deleted, and with {@code compress} the rest are
 * gzipped ({@code .log.gz}). Files are created 0600 in a directory created 0700. A single write larger than
 * {@code maxSize} is refused; a write the disk cannot take is cut off again, so every line in the file is whole.
 */
public final class RotatingFile implements LogBackend.Output {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingFile.class);
    private static final long DEFAULT_MAX_SIZE = 100L * 1024 * 1024;
    static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");
    private static final Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
            PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final long maxSize;
    private final int maxBackups;
    private final int maxAgeDays;
    private final boolean compress;
    private final Clock clock;
    private final String prefix;
    private final String ext;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExecutorService mill = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("audit-log-mill").factory());
    private FileChannel channel;
    private long size;

    /**
     * The file behind {@code --audit-log-path} with {@code --audit-log-maxsize} (MiB before rotation, 0 for
     * lumberjack's 100), {@code --audit-log-maxbackup}, {@code --audit-log-maxage} and {@code --audit-log-compress}.
     */
    public static RotatingFile of(Path file, int maxSizeMegabytes, int maxBackups, int maxAgeDays, boolean compress) {
        return new RotatingFile(file, maxSizeMegabytes <= 0 ? DEFAULT_MAX_SIZE : maxSizeMegabytes * 1024L * 1024L,
                maxBackups, maxAgeDays, compress, Clock.systemUTC());
    }

    RotatingFile(Path file, long maxBytes, int maxBackups, int maxAgeDays, boolean compress, Clock clock) {
        this.file = file.toAbsolutePath();
        this.maxSize = maxBytes;
        this.maxBackups = maxBackups;
        this.maxAgeDays = maxAgeDays;
        this.compress = compress;
        this.clock = clock;
        String name = this.file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.prefix = (dot <= 0 ? name : name.substring(0, dot)) + "-";
        this.ext = dot <= 0 ? "" : name.substring(dot);
    }

    /** Creates the directory and the file (0600) if missing, so a path that cannot be written fails at start. */
    public RotatingFile open() throws IOException {
        lock.lock();
        try {
            openExistingOrNew(0);
            return this;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] line) throws IOException {
        if (line.length > maxSize) {
            throw new IOException("write length " + line.length + " exceeds maximum file size " + maxSize);
        }
        lock.lock();
        try {
            if (channel == null) {
                openExistingOrNew(line.length);
            } else if (size + line.length > maxSize) {
                rotate();
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            long before = size;
            try {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                size += line.length;
            } catch (IOException e) {
                dropPartialLine(before);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A line cut short (disk full) is cut off, so the next one starts on a line of its own. */
    private void dropPartialLine(long length) {
        try {
            channel.truncate(length);
            size = length;
        } catch (IOException | RuntimeException e) {
            size = Files.exists(file) ? sizeOf(file) : length;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private void openExistingOrNew(int writeLength) throws IOException {
        if (!Files.exists(file)) {
            openNew();
            return;
        }
        if (Files.size(file) + writeLength > maxSize) {
            rotate();
            return;
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    private void rotate() throws IOException {
        closeChannel();
        openNew();
        millInBackground();
    }

    private void openNew() throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(file)) {
            Files.move(file, backupName(clock.instant()));
        }
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(FILE_MODE));
        } catch (FileAlreadyExistsException raced) {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        Files.setPosixFilePermissions(file, FILE_MODE); // whatever the umask
        size = channel.size();
    }

    /** A free backup name for {@code when}: a later millisecond when two rotations fall in one. */
    private Path backupName(Instant when) {
        Instant t = when;
        while (true) {
            String stamp = BACKUP_TIME.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
            Path p = file.resolveSibling(prefix + stamp + ext);
            if (!Files.exists(p) && !Files.exists(p.resolveSibling(p.getFileName() + ".gz"))) {
                return p;
            }
            t = t.plusMillis(1);
        }
    }

    private void millInBackground() {
        if (maxBackups <= 0 && maxAgeDays <= 0 && !compress) {
            return;
        }
        mill.execute(() -> {
            try {
                mill();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cleaning up old audit log files failed: {}", e.toString());
            }
        });
    }

    /** Removes backups beyond the count and age limits, then compresses the rest when asked; one at a time. */
    synchronized void mill() throws IOException {
        List<Backup> backups = backups();
        backups.sort(Comparator.comparing(Backup::time).reversed());
        List<Backup> keep = new ArrayList<>();
        Instant cutoff = maxAgeDays > 0 ? clock.instant().minus(Duration.ofDays(maxAgeDays)) : null;
        for (Backup b : backups) {
            boolean tooMany = maxBackups > 0 && keep.size() >= maxBackups;
            boolean tooOld = cutoff != null && b.time().isBefore(cutoff);
            if (tooMany || tooOld) {
                Files.deleteIfExists(b.path());
            } else {
                keep.add(b);
            }
        }
        if (compress) {
            for (Backup b : keep) {
                if (!b.path().getFileName().toString().endsWith(".gz")) {
                    gzip(b.path());
                }
            }
        }
    }

    record Backup(Path path, Instant time) {
    }

    /** The backups of this file, by the time in their names (other files in the directory are left alone). */
    List<Backup> backups() throws IOException {
        List<Backup> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(file.getParent())) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                String stem = n.endsWith(ext + ".gz") ? n.substring(0, n.length() - ext.length() - 3)
                        : n.endsWith(ext) ? n.substring(0, n.length() - ext.length()) : null;
                if (stem == null || !stem.startsWith(prefix) || p.equals(file)) {
                    continue;
                }
                try {
                    LocalDateTime t = LocalDateTime.parse(stem.substring(prefix.length()), BACKUP_TIME);
                    out.add(new Backup(p, t.toInstant(ZoneOffset.UTC)));
                } catch (DateTimeParseException notOurs) {
                    // another file that happens to share the prefix
                }
            }
        }
        return out;
    }

    private static void gzip(Path p) throws IOException {
        Path gz = p.resolveSibling(p.getFileName() + ".gz");
        Path tmp = p.resolveSibling(p.getFileName() + ".gz.tmp");
        try (InputStream in = Files.newInputStream(p);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
            in.transferTo(out);
        }
        Files.setPosixFilePermissions(tmp, FILE_MODE);
        Files.move(tmp, gz);
        Files.delete(p);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closeChannel();
        } finally {
            lock.unlock();
        }
        mill.shutdown();
        try {
            mill.awaitTermination(10, TimeUnit.SECONDS); // a compression under way finishes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
