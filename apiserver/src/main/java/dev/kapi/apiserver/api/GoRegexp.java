package dev.kapi.apiserver.api;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Go's {@code regexp.Compile} as kube runs CRD patterns and CEL's {@code matches}: RE2 (re2j), plus Go's limit on
 * nested repetitions, which re2j lacks: counted repetitions nested in one another may not ask for more than 1000
 * copies of what they repeat ({@code (a{1000}){1000}} is "invalid repeat count" in Go; re2j compiles it into a
 * program whose matching takes time quadratic in the input).
 */
public final class GoRegexp {

    private static final int MAX_COPIES = 1000;

    private GoRegexp() {
    }

    /**
     * The compiled pattern.
     *
     * @throws PatternSyntaxException Go's error for a pattern Go would not compile
     */
    public static Pattern compile(String regex) {
        Pattern pattern = Pattern.compile(regex); // RE2's syntax errors first, as Go's parser reports them
        checkRepeats(regex);
        return pattern;
    }

    /** Refuses counted repetitions nested beyond {@value #MAX_COPIES} copies, as Go's {@code repeatIsValid}. */
    private static void checkRepeats(String re) {
        Deque<long[]> groups = new ArrayDeque<>(); // per open group: the most copies anything inside asks for
        groups.push(new long[] {1});
        long atom = 1; // copies asked for inside the last atom (a group's innermost repetitions), 1 for a literal
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            switch (c) {
                case '\\' -> {
                    i = escapeEnd(re, i);
                    atom = 1;
                }
                case '[' -> {
                    i = classEnd(re, i);
                    atom = 1;
                }
                case '(' -> groups.push(new long[] {1});
                case ')' -> {
                    atom = groups.size() > 1 ? groups.pop()[0] : 1;
                    groups.peek()[0] = Math.max(groups.peek()[0], atom);
                }
                case '{' -> {
                    int end = re.indexOf('}', i);
                    long count = end < 0 ? -1 : repeatCount(re.substring(i + 1, end));
                    if (count >= 0) {
                        long copies = atom * Math.max(count, 1);
                        if (count > MAX_COPIES || copies > MAX_COPIES) {
                            throw new PatternSyntaxException("invalid repeat count", re.substring(i, end + 1));
                        }
                        groups.peek()[0] = Math.max(groups.peek()[0], copies);
                        atom = copies;
                        i = end;
                    } else {
                        atom = 1; // a literal brace
                    }
                }
                default -> atom = 1;
            }
        }
    }

    /** The largest count of a repetition's body ({@code 3}, {@code 3,}, {@code 3,5}); -1 when it is none. */
    private static long repeatCount(String body) {
        int comma = body.indexOf(',');
        String min = comma < 0 ? body : body.substring(0, comma);
        String max = comma < 0 ? body : body.substring(comma + 1);
        if (!digits(min) || !max.isEmpty() && !digits(max)) {
            return -1;
        }
        String counted = max.isEmpty() ? min : max;
        return counted.length() > 6 ? Long.MAX_VALUE / 2 : Long.parseLong(counted);
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    /** The index of the last character of the escape starting at {@code i} ({@code \x{41}}, {@code \p{Greek}}). */
    private static int escapeEnd(String re, int i) {
        if (i + 2 < re.length() && re.charAt(i + 2) == '{' && "xpP".indexOf(re.charAt(i + 1)) >= 0) {
            int close = re.indexOf('}', i + 2);
            return close < 0 ? re.length() - 1 : close;
        }
        if (i + 1 < re.length() && re.charAt(i + 1) == 'Q') { // \Q...\E: literal text
            int close = re.indexOf("\\E", i + 2);
            return close < 0 ? re.length() - 1 : close + 1;
        }
        return Math.min(i + 1, re.length() - 1);
    }

    /** The index of the {@code ]} ending the character class starting at {@code i}. */
    private static int classEnd(String re, int i) {
        int j = i + 1;
        if (j < re.length() && re.charAt(j) == '^') {
            j++;
        }
        if (j < re.length() && re.charAt(j) == ']') {
            j++;
        }
        for (; j < re.length(); j++) {
            char c = re.charAt(j);
            if (c == '\\') {
                j = escapeEnd(re, j);
            } else if (c == '[' && j + 1 < re.length() && re.charAt(j + 1) == ':') {
                int close = re.indexOf(":]", j + 2);
                j = close < 0 ? j : close + 1;
            } else if (c == ']') {
                return j;
            }
        }
        return re.length() - 1;
    }
}
