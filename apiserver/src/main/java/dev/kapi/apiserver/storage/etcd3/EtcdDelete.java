package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;

/**
 * Conditional delete: get (or take the caller's recent entry), check the preconditions, then
 * {@code if modRevision(key) == read revision then delete else get}; when the value changed in between, the
 * preconditions are checked again on it.
 */
final class EtcdDelete {

    private EtcdDelete() {
    }

    /** @param cached a recent entry of the key, possibly stale, to try first instead of reading it; or null */
    static KeyValue delete(KV kv, Duration timeout, String key, Preconditions preconditions, KeyValue cached) {
        boolean unconfirmed = cached != null && key.equals(cached.key());
        KeyValue current = unconfirmed ? cached : EtcdGet.getOrNull(kv, timeout, key);
        while (true) {
            if (current == null) {
                throw EtcdGet.notFound(key);
            }
            try {
                preconditions.check(current);
            } catch (StorageException e) {
                if (!unconfirmed) {
                    throw e;
                }
                current = EtcdGet.getOrNull(kv, timeout, key); // maybe stale: the preconditions decide on a read
                unconfirmed = false;
                continue;
            }
            ByteSequence keyBytes = bytes(key);
            TxnResponse response = await(kv.txn()
                    .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision())))
                    .Then(Op.delete(keyBytes, DeleteOption.DEFAULT))
                    .Else(Op.get(keyBytes, GetOption.DEFAULT))
                    .commit(), timeout, key);
            if (response.isSucceeded()) {
                return new KeyValue(key, current.value(), current.createRevision(),
                        response.getHeader().getRevision());
            }
            current = EtcdGet.first(response.getGetResponses().get(0));
            unconfirmed = false;
        }
    }
}
