package dev.kapi.apiserver.storage;

import java.util.List;

/**
 * One page of a list: the entries in key order, the revision they were read at, a continue token when
 * more entries follow (else null) and how many entries remain after this page (-1 when unknown).
 */
public record ListResult(List<KeyValue> items, long revision, String continueToken, long remainingItemCount) {
}
