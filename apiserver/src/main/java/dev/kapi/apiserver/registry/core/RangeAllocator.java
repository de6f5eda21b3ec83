package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A set of allocated offsets {@code 0..size-1} kept under one storage key, shared by every server on the
 * storage: each change is a compare-and-swap ({@link Storage#guaranteedUpdate}), so two servers never hand out
 * the same offset. Stored as JSON {@code {"range":"...","allocated":[3,17,...]}}.
 *
 * <p>Like kube's allocators, the range has a small static band at the bottom (offsets {@code < staticBand})
 * that dynamic allocation uses only when the rest is full, so values users pick by hand (10.96.0.10 for DNS)
 * are rarely taken already. Offsets below {@code firstDynamic} are never handed out dynamically.
 */
final class RangeAllocator {

    /** Why an allocation failed. */
    enum Failure { FULL, TAKEN }

    /** An allocation that did not succeed. */
    static final class AllocationException extends RuntimeException {
        final Failure failure;

        AllocationException(Failure failure) {
            super(failure == Failure.FULL ? "range is full" : "provided value is already allocated");
            this.failure = failure;
        }
    }

    private final Storage storage;
    private final String key;
    private final String rangeName;
    private final int size;
    private final int firstDynamic;
    private final int staticBand;

    RangeAllocator(Storage storage, String key, String rangeName, int size, int firstDynamic, int staticBand) {
        this.storage = storage;
        this.key = key;
        this.rangeName = rangeName;
        this.size = size;
        this.firstDynamic = firstDynamic;
        this.staticBand = Math.max(staticBand, firstDynamic);
    }

    int size() {
        return size;
    }

    /** Marks {@code offset} allocated; on a dry run only checks that it is free. */
    void allocate(int offset, boolean dryRun) {
        if (dryRun) {
            if (read().get(offset)) {
                throw new AllocationException(Failure.TAKEN);
            }
            return;
        }
        storage.guaranteedUpdate(key, Preconditions.NONE, true, kv -> {
            BitSet set = decode(kv);
            if (set.get(offset)) {
                throw new AllocationException(Failure.TAKEN);
            }
            set.set(offset);
            return encode(set);
        });
    }

    /** Allocates a free offset (the dynamic band first); on a dry run only picks one. */
    int allocateNext(boolean dryRun) {
        if (dryRun) {
            return pick(read());
        }
        int[] picked = new int[1];
        storage.guaranteedUpdate(key, Preconditions.NONE, true, kv -> {
            BitSet set = decode(kv);
            picked[0] = pick(set);
            set.set(picked[0]);
            return encode(set);
        });
        return picked[0];
    }

    /** Frees {@code offset}; freeing a free offset does nothing. */
    void release(int offset) {
        storage.guaranteedUpdate(key, Preconditions.NONE, true, kv -> {
            BitSet set = decode(kv);
            if (!set.get(offset)) {
                return kv == null ? encode(set) : kv.value();
            }
            set.clear(offset);
            return encode(set);
        });
    }

    boolean isAllocated(int offset) {
        return read().get(offset);
    }

    /** The range's name as stored (e.g. {@code 10.96.0.0/12}). */
    String rangeName() {
        return rangeName;
    }

    /**
     * The stored allocation, the range it was stored for (null when nothing is stored) and the revision it was read
     * at (0: nothing stored yet).
     */
    record Snapshot(BitSet allocated, String range, long revision) {
    }

    Snapshot snapshot() {
        try {
            KeyValue kv = storage.get(key);
            JsonNode node = Json.MAPPER.readTree(kv.value());
            return new Snapshot(decode(node), node.path("range").asString(null), kv.modRevision());
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.KEY_NOT_FOUND) {
                return new Snapshot(new BitSet(), null, 0);
            }
            throw e;
        }
    }

    /**
     * Replaces the allocation read as {@code snapshot} with {@code allocated}, unless it changed since (an
     * allocation or release in between): false then, and nothing is written.
     */
    boolean replace(Snapshot snapshot, BitSet allocated) {
        try {
            if (snapshot.revision() == 0) {
                storage.create(key, encode(allocated));
            } else {
                storage.guaranteedUpdate(key, Preconditions.resourceVersion(snapshot.revision()), false,
                        kv -> encode(allocated));
            }
            return true;
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.CONFLICT || e.code() == StorageException.Code.KEY_EXISTS
                    || e.code() == StorageException.Code.KEY_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private BitSet read() {
        try {
            return decode(storage.get(key));
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.KEY_NOT_FOUND) {
                return new BitSet();
            }
            throw e;
        }
    }

    private int pick(BitSet set) {
        int dynamic = size - staticBand;
        if (dynamic > 0) {
            int start = ThreadLocalRandom.current().nextInt(dynamic);
            for (int i = 0; i < dynamic; i++) {
                int offset = staticBand + (start + i) % dynamic;
                if (!set.get(offset)) {
                    return offset;
                }
            }
        }
        for (int offset = firstDynamic; offset < Math.min(staticBand, size); offset++) {
            if (!set.get(offset)) {
                return offset;
            }
        }
        throw new AllocationException(Failure.FULL);
    }

    private static BitSet decode(KeyValue kv) {
        return kv == null ? new BitSet() : decode(Json.MAPPER.readTree(kv.value()));
    }

    private static BitSet decode(JsonNode node) {
        BitSet set = new BitSet();
        for (JsonNode n : node.path("allocated")) {
            set.set(n.asInt());
        }
        return set;
    }

    private byte[] encode(BitSet set) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("range", rangeName);
        ArrayNode arr = node.putArray("allocated");
        Arrays.stream(set.stream().toArray()).forEach(arr::add);
        return Json.bytes(node);
    }
}
