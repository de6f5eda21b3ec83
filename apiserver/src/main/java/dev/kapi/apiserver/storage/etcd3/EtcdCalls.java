package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared plumbing of the etcd3 operations: bounded waits, error translation, key and value conversion. */
final class EtcdCalls {

    static final String COMPACTED = "required revision has been compacted";
    static final String FUTURE = "required revision is a future revision";

    private EtcdCalls() {
    }

    /** Waits at most {@code timeout} for an etcd call; every failure becomes a {@link StorageException}. */
    static <T> T await(CompletableFuture<T> call, Duration timeout, String key) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new StorageException(Code.UNREACHABLE, key,
                    "etcd did not answer within " + timeout.toSeconds() + "s", e);
        } catch (ExecutionException | CompletionException e) {
            throw translate(e.getCause() == null ? e : e.getCause(), key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Code.UNREACHABLE, key, "interrupted while waiting for etcd", e);
        }
    }

    /** A watch's failure as a storage error: EXPIRED ("too old resource version") when history was compacted. */
    static StorageException watchFailure(Throwable error, String key, long from) {
        if (error instanceof CompactedException compacted) {
            return new StorageException(Code.EXPIRED, key,
                    "too old resource version: " + from + " (" + compacted.getCompactedRevision() + ")", error);
        }
        StorageException translated = translate(error, key);
        if (translated.code() == Code.EXPIRED) {
            return new StorageException(Code.EXPIRED, key, "too old resource version: " + from, error);
        }
        return translated;
    }

    /** Maps a jetcd or gRPC failure to a storage error code. */
    static StorageException translate(Throwable failure, String key) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StorageException se) {
            return se;
        }
        String message = messages(t);
        if (message.contains("request is too large") || message.contains("larger than max")
                || message.contains("RESOURCE_EXHAUSTED")) {
            return new StorageException(Code.TOO_LARGE, key, "etcdserver: request is too large", t);
        }
        if (message.contains(COMPACTED)) {
            return new StorageException(Code.EXPIRED, key, "etcdserver: mvcc: " + COMPACTED, t);
        }
        if (message.contains(FUTURE)) {
            return new StorageException(Code.TOO_LARGE_RESOURCE_VERSION, key, "etcdserver: mvcc: " + FUTURE, t);
        }
        Status.Code grpc = grpcCode(t);
        if (grpc == Status.Code.UNAVAILABLE || grpc == Status.Code.DEADLINE_EXCEEDED
                || grpc == Status.Code.CANCELLED || message.contains("UNAVAILABLE") || lostConnection(message)) {
            return new StorageException(Code.UNREACHABLE, key, "etcd is unreachable: " + t.getMessage(), t);
        }
        return new StorageException(Code.INTERNAL, key, "etcd: " + t.getMessage(), t);
    }

    /**
     * The connection to etcd broke under the call or could not be made (etcd stopped mid-call surfaces as
     * gRPC {@code UNKNOWN: channel closed} from the Vert.x transport, not as UNAVAILABLE).
     */
    private static boolean lostConnection(String message) {
        return message.contains("Connection refused") || message.contains("channel closed")
                || message.contains("ClosedChannelException") || message.contains("Connection reset")
                || message.contains("Connection was closed"); // Vert.x HttpClosedException
    }

    private static Status.Code grpcCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s.getStatus().getCode();
            }
            if (c instanceof EtcdException e && e.getErrorCode() != null) {
                return Status.Code.valueOf(e.getErrorCode().name());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Status.Code.UNKNOWN;
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null && all.length() < 4096; c = c.getCause()) {
            all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
            if (c.getCause() == c) {
                break;
            }
        }
        return all.toString();
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    static ByteSequence bytes(byte[] value) {
        return ByteSequence.from(value);
    }

    /** The end of the range of every key starting with {@code prefix} (the prefix with its last byte + 1). */
    static ByteSequence prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteSequence.from(java.util.Arrays.copyOf(end, i + 1));
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision());
    }
}
