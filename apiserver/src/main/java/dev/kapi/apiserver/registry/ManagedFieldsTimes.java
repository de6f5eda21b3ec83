package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * kube's {@code IgnoreManagedFieldsTimestampsTransformer}: an update whose only change is the time of some
 * managedFields entries (a manager wrote again what it already owned, a second later: a re-apply, an update
 * that set a value back) keeps the stored times, so nothing is written and no resourceVersion is spent. An entry
 * added, removed or changed in anything but its time is a change, as in kube: whoever writes a field becomes
 * its manager even when the value stays.
 */
final class ManagedFieldsTimes {

    private ManagedFieldsTimes() {
    }

    /**
     * The stored bytes of {@code updated}: with {@code old}'s managedFields times when that makes them
     * {@code current}, the bytes stored now (then {@code updated} carries the old times too); else as encoded.
     */
    static <T extends HasMetadata> byte[] encode(T updated, T old, byte[] current, Function<T, byte[]> encoder) {
        byte[] bytes = encoder.apply(updated);
        if (Arrays.equals(bytes, current)) {
            return bytes;
        }
        List<ManagedFieldsEntry> now = updated.getMetadata().getManagedFields();
        List<ManagedFieldsEntry> before = old.getMetadata() == null ? null : old.getMetadata().getManagedFields();
        if (!onlyTimesDiffer(now, before)) {
            return bytes;
        }
        String[] times = now.stream().map(ManagedFieldsEntry::getTime).toArray(String[]::new);
        setTimes(now, before.stream().map(ManagedFieldsEntry::getTime).toArray(String[]::new));
        byte[] unchanged = encoder.apply(updated);
        if (Arrays.equals(unchanged, current)) {
            return unchanged;
        }
        setTimes(now, times);
        return bytes;
    }

    /** Both lists as long and not empty, some time changed, each entry otherwise equal to the one at its place. */
    static boolean onlyTimesDiffer(List<ManagedFieldsEntry> now, List<ManagedFieldsEntry> before) {
        if (now == null || before == null || now.isEmpty() || now.size() != before.size()) {
            return false;
        }
        boolean timeChanged = false;
        for (int i = 0; i < now.size(); i++) {
            ManagedFieldsEntry a = now.get(i);
            ManagedFieldsEntry b = before.get(i);
            if (a == null || b == null || !equalButTime(a, b)) {
                return false;
            }
            timeChanged |= !Objects.equals(a.getTime(), b.getTime());
        }
        return timeChanged;
    }

    private static boolean equalButTime(ManagedFieldsEntry a, ManagedFieldsEntry b) {
        return Objects.equals(a.getManager(), b.getManager()) && Objects.equals(a.getOperation(), b.getOperation())
                && Objects.equals(a.getApiVersion(), b.getApiVersion())
                && Objects.equals(a.getSubresource(), b.getSubresource())
                && Objects.equals(a.getFieldsType(), b.getFieldsType())
                && Objects.equals(a.getFieldsV1(), b.getFieldsV1())
                && Objects.equals(a.getAdditionalProperties(), b.getAdditionalProperties());
    }

    private static void setTimes(List<ManagedFieldsEntry> entries, String[] times) {
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).setTime(times[i]);
        }
    }
}
