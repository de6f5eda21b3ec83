package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.ContinueTokens;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * List: one range over {@code [start, prefixEnd)} at a revision, limited to a page. The first page reads
 * at the latest (or the requested) revision; a continue token pins later pages to the first page's
 * revision and starts just after its last key, so the pages form one snapshot.
 */
final class EtcdList {

    static final String CONTINUE_EXPIRED = "The provided continue parameter is too old to display a consistent "
            + "list result. You can start a new list without the continue parameter, or use the continue token "
            + "in this response to retrieve the remainder of the results. Continuing with the provided token "
            + "results in an inconsistent list - objects that were created, modified, or deleted between the time "
            + "the first chunk was returned and now may show up in the list.";
    static final String RESOURCE_VERSION_EXPIRED = "The resourceVersion for the provided list is too old.";

    private EtcdList() {
    }

    static ListResult list(KV kv, Duration timeout, String prefix, ListOptions options, LongSupplier currentRevision) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a list prefix must end in /: " + prefix);
        }
        String start = prefix;
        long revision = options.revision();
        boolean continuing = options.continueToken() != null && !options.continueToken().isEmpty();
        if (continuing) {
            ContinueTokens.Position position = ContinueTokens.decode(options.continueToken(), prefix);
            if (revision != 0 && revision != position.revision()) {
                throw new StorageException(Code.INVALID_CONTINUE, prefix,
                        "specifying resource version is not allowed when using continue");
            }
            start = position.startKey();
            revision = position.revision();
        }
        GetOption.Builder range = GetOption.builder()
                .withRange(EtcdCalls.prefixEnd(prefix))
                .withRevision(revision);
        if (options.limit() > 0) {
            range.withLimit(options.limit());
        }
        GetResponse response;
        try {
            response = await(kv.get(bytes(start), range.build()), timeout, prefix);
        } catch (StorageException e) {
            throw explain(e, prefix, revision, continuing, currentRevision);
        }
        List<KeyValue> items = new ArrayList<>(response.getKvs().size());
        response.getKvs().forEach(entry -> items.add(EtcdCalls.toKeyValue(entry)));
        long readAt = revision != 0 ? revision : response.getHeader().getRevision();
        if (!response.isMore() || items.isEmpty()) {
            return new ListResult(items, readAt, null, 0);
        }
        String next = items.get(items.size() - 1).key() + "\u0000";
        return new ListResult(items, readAt, ContinueTokens.encode(prefix, next, readAt),
                response.getCount() - items.size());
    }

    private static StorageException explain(StorageException e, String prefix, long revision, boolean continuing,
                                            LongSupplier currentRevision) {
        return switch (e.code()) {
            case EXPIRED -> new StorageException(Code.EXPIRED, prefix,
                    continuing ? CONTINUE_EXPIRED : RESOURCE_VERSION_EXPIRED, e);
            case TOO_LARGE_RESOURCE_VERSION -> new StorageException(Code.TOO_LARGE_RESOURCE_VERSION, prefix,
                    "Too large resource version: " + revision + ", current: " + currentRevision.getAsLong(), e);
            default -> e;
        };
    }
}
