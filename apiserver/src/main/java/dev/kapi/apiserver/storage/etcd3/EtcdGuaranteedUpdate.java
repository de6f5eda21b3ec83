package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.UpdateLoop;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;

/**
 * The etcd side of {@link UpdateLoop}: the swap is one transaction
 * {@code if modRevision(key) == read revision then put else get}; a lost swap hands the else branch's
 * value back to the loop.
 */
final class EtcdGuaranteedUpdate {

    private EtcdGuaranteedUpdate() {
    }

    static KeyValue update(KV kv, Duration timeout, String key, Preconditions preconditions,
                           boolean ignoreNotFound, UpdateFunction function, KeyValue cached) {
        return UpdateLoop.update(new UpdateLoop.Backend() {
            @Override
            public KeyValue read(String k) {
                return EtcdGet.getOrNull(kv, timeout, k);
            }

            @Override
            public UpdateLoop.Swap swap(String k, KeyValue current, byte[] next) {
                return EtcdGuaranteedUpdate.swap(kv, timeout, k, current, next);
            }
        }, key, preconditions, ignoreNotFound, function, cached);
    }

    private static UpdateLoop.Swap swap(KV kv, Duration timeout, String key, KeyValue current, byte[] next) {
        ByteSequence keyBytes = bytes(key);
        Cmp unchanged = current == null
                ? new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision()));
        TxnResponse response = await(kv.txn()
                .If(unchanged)
                .Then(Op.put(keyBytes, bytes(next), PutOption.DEFAULT))
                .Else(Op.get(keyBytes, GetOption.DEFAULT))
                .commit(), timeout, key);
        if (response.isSucceeded()) {
            long revision = response.getHeader().getRevision();
            return new UpdateLoop.Swap(true,
                    new KeyValue(key, next, current == null ? revision : current.createRevision(), revision));
        }
        return new UpdateLoop.Swap(false, EtcdGet.first(response.getGetResponses().get(0)));
    }
}
