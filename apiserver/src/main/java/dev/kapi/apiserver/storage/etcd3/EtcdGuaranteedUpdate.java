package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.UpdateFunction;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * Read-modify-write with compare-and-swap on the mod revision: get, apply the function, then
 * {@code if modRevision(key) == read revision then put else get}; a lost swap re-runs the function on
 * the value the else branch returned. An unchanged value writes nothing.
 */
final class EtcdGuaranteedUpdate {

    private EtcdGuaranteedUpdate() {
    }

    static KeyValue update(KV kv, Duration timeout, String key, Preconditions preconditions,
                           boolean ignoreNotFound, UpdateFunction function) {
        KeyValue current = EtcdGet.getOrNull(kv, timeout, key);
        while (true) {
            if (current == null && !ignoreNotFound) {
                throw EtcdGet.notFound(key);
            }
            if (current != null) {
                preconditions.check(current);
            }
            byte[] next = function.apply(current);
            if (next == null) {
                throw new IllegalStateException("the update function of " + key + " returned null");
            }
            if (current != null && Arrays.equals(next, current.value())) {
                return current;
            }
            Cmp unchanged = current == null
                    ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                    : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision()));
            TxnResponse response = await(kv.txn()
                    .If(unchanged)
                    .Then(Op.put(bytes(key), bytes(next), PutOption.DEFAULT))
                    .Else(Op.get(bytes(key), GetOption.DEFAULT))
                    .commit(), timeout, key);
            if (response.isSucceeded()) {
                long revision = response.getHeader().getRevision();
                return new KeyValue(key, next, current == null ? revision : current.createRevision(), revision);
            }
            current = EtcdGet.first(response.getGetResponses().get(0));
        }
    }
}
