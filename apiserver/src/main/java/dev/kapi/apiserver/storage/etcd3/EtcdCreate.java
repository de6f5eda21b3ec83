package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;

/** Create: one transaction {@code if createRevision(key) == 0 then put}. */
final class EtcdCreate {

    private EtcdCreate() {
    }

    static KeyValue create(KV kv, Duration timeout, String key, byte[] value) {
        ByteSequence keyBytes = bytes(key);
        TxnResponse response = await(kv.txn()
                .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(keyBytes, bytes(value), PutOption.DEFAULT))
                .commit(), timeout, key);
        if (!response.isSucceeded()) {
            throw new StorageException(StorageException.Code.KEY_EXISTS, key, "key exists: " + key);
        }
        long revision = response.getHeader().getRevision();
        return new KeyValue(key, value, revision, revision);
    }
}
