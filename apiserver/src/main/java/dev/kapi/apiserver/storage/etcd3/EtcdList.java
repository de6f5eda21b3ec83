package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListPaging;
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
 * at the exact revision asked for, otherwise at the latest (which serves the most recent, any, and not older
 * than a revision the response's header has reached); a continue token pins later pages to the first page's
 * revision and starts just after its last key, so the pages form one snapshot.
 */
final class EtcdList {

    private EtcdList() {
    }

    static ListResult list(KV kv, Duration timeout, String prefix, ListOptions options, LongSupplier currentRevision) {
        ListPaging.Start start = ListPaging.start(prefix, options);
        long revision = start.revision();
        GetOption.Builder range = GetOption.builder()
                .withRange(EtcdCalls.prefixEnd(prefix))
                .withRevision(revision);
        if (options.limit() > 0) {
            range.withLimit(options.limit());
        }
        GetResponse response;
        try {
            response = await(kv.get(bytes(start.startKey()), range.build()), timeout, prefix);
        } catch (StorageException e) {
            throw explain(e, prefix, start, currentRevision);
        }
        List<KeyValue> items = new ArrayList<>(response.getKvs().size());
        response.getKvs().forEach(entry -> items.add(EtcdCalls.toKeyValue(entry)));
        long readAt = revision != 0 ? revision : response.getHeader().getRevision();
        start.at().requireReached(readAt, prefix);
        return ListPaging.page(prefix, items, readAt, response.isMore(), response.getCount() - items.size());
    }

    private static StorageException explain(StorageException e, String prefix, ListPaging.Start start,
                                            LongSupplier currentRevision) {
        return switch (e.code()) {
            case EXPIRED -> new StorageException(Code.EXPIRED, prefix, start.expiredMessage(), e);
            case TOO_LARGE_RESOURCE_VERSION -> new StorageException(Code.TOO_LARGE_RESOURCE_VERSION, prefix,
                    "Too large resource version: " + start.revision() + ", current: " + currentRevision.getAsLong(), e);
            default -> e;
        };
    }
}
