package dev.kapi.apiserver.storage.encryption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of transformers, each under the prefix it writes in front of its values (kube's
 * {@code prefixTransformers}): the first writes; a read goes to every member whose prefix the value starts
 * with, in order, and the first that reads it wins. A read by any member but the first is stale. It is used at
 * two levels: a provider's keys ({@code key1:}, {@code key2:}) and a resource's providers
 * ({@code k8s:enc:aescbc:v1:}, {@code k8s:enc:secretbox:v1:}, {@code identity} with the empty prefix).
 *
 * <p>Example: providers {@code [aescbc{key2, key1}, identity]} write {@code k8s:enc:aescbc:v1:key2:...}; they read
 * a {@code key1:} value (stale: key1 is not first) and a plain one (stale: identity is not first).
 */
final class PrefixTransformers implements ValueTransformer {

    /** One member: the prefix of the values it writes and reads, and the transformer of the rest. */
    record Member(byte[] prefix, ValueTransformer transformer) {

        static Member of(String prefix, ValueTransformer transformer) {
            return new Member(prefix.getBytes(StandardCharsets.UTF_8), transformer);
        }
    }

    private final List<Member> members;
    private final String noMatch;

    /** {@code noMatch}: the error of a value no member's prefix matches. */
    PrefixTransformers(List<Member> members, String noMatch) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no transformers");
        }
        this.members = List.copyOf(members);
        this.noMatch = noMatch;
    }

    @Override
    public byte[] toStorage(byte[] value, byte[] authenticatedData) {
        Member first = members.getFirst();
        byte[] body = first.transformer().toStorage(value, authenticatedData);
        byte[] out = new byte[first.prefix().length + body.length];
        System.arraycopy(first.prefix(), 0, out, 0, first.prefix().length);
        System.arraycopy(body, 0, out, first.prefix().length, body.length);
        return out;
    }

    @Override
    public Read fromStorage(byte[] stored, byte[] authenticatedData) {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            if (!startsWith(stored, m.prefix())) {
                continue;
            }
            byte[] rest = m.prefix().length == 0 ? stored
                    : java.util.Arrays.copyOfRange(stored, m.prefix().length, stored.length);
            try {
                Read read = m.transformer().fromStorage(rest, authenticatedData);
                return new Read(read.value(), read.stale() || i != 0);
            } catch (TransformException e) {
                // identity refusing encrypted data is not an error: the provider that reads it may follow;
                // a failed match may be another entry of the same provider with other keys, so go on too
                if (m.prefix().length != 0) {
                    errors.add(e.getMessage());
                }
            }
        }
        if (errors.isEmpty()) {
            throw new TransformException(noMatch);
        }
        throw new TransformException(errors.size() == 1 ? errors.getFirst() : errors.toString());
    }

    static boolean startsWith(byte[] value, byte[] prefix) {
        return value.length >= prefix.length && java.util.Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }
}
