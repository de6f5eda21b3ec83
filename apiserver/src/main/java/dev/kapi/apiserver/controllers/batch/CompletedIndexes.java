package dev.kapi.apiserver.controllers.batch;

import java.util.BitSet;

/**
 * {@code status.completedIndexes} of an Indexed job: a set of indexes written as kube writes it, sorted
 * intervals separated by commas ({@code "1,3-5,7"}).
 */
final class CompletedIndexes {

    private CompletedIndexes() {
    }

    /** The indexes below {@code completions} that the text names (malformed parts are skipped, as kube does). */
    static BitSet parse(String text, int completions) {
        BitSet set = new BitSet();
        if (text == null || text.isEmpty()) {
            return set;
        }
        for (String part : text.split(",")) {
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from >= 0 && from <= to && from < completions) {
                    set.set(from, Math.min(to, completions - 1) + 1);
                }
            } catch (NumberFormatException e) {
                // kube logs and skips an interval it cannot read
            }
        }
        return set;
    }

    static String format(BitSet set) {
        StringBuilder sb = new StringBuilder();
        for (int from = set.nextSetBit(0); from >= 0; ) {
            int end = set.nextClearBit(from); // exclusive
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(from);
            if (end - 1 > from) {
                sb.append('-').append(end - 1);
            }
            from = set.nextSetBit(end);
        }
        return sb.toString();
    }
}
