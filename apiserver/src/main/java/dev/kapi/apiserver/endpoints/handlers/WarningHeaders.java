package dev.kapi.apiserver.endpoints.handlers;

import jakarta.servlet.http.HttpServletResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code Warning: 299 - "..."} headers of one answer, written as kube's warning recorder writes them: at once
 * (so an error answer carries them too), once per text, control characters (a multi-line YAML error) as spaces,
 * which a header cannot carry (kube drops such a warning instead). Their text is bounded as kube bounds it: the
 * warning that takes the text past 4,096 characters has every warning written again cut to 256 characters, and
 * once the text has reached 4,096 characters no more are written, so that no answer fails on the size of its
 * headers (a create with thousands of unknown fields). Warnings after the response is committed (a watch stream)
 * are dropped.
 */
final class WarningHeaders {

    /** kube's {@code truncateAtTotalRunes}: the warning text one answer carries before it is cut. */
    static final int TOTAL = 4 * 1024;
    /** kube's {@code truncateItemRunes}: what each warning is cut to once the total is reached. */
    static final int ITEM = 256;

    private final HttpServletResponse response;
    private final Set<String> seen = new HashSet<>();
    private final List<String> ordered = new ArrayList<>();
    private int characters;
    private boolean truncating;

    WarningHeaders(HttpServletResponse response) {
        this.response = response;
    }

    synchronized void add(String warning) {
        if (warning.isEmpty() || (truncating && characters >= TOTAL) || !seen.add(warning)
                || response.isCommitted()) {
            return;
        }
        String text = warning.replaceAll("[\\p{Cntrl}&&[^\t]]+", " ");
        ordered.add(text);
        if (truncating) {
            text = cut(text);
        }
        if (characters + length(text) <= TOTAL || truncating) {
            characters += length(text);
            response.addHeader("Warning", header(text));
            return;
        }
        // past the total: every warning so far, this one too, written again cut
        truncating = true;
        characters = 0;
        for (int i = 0; i < ordered.size(); i++) {
            String cut = cut(ordered.get(i));
            characters += length(cut);
            if (i == 0) {
                response.setHeader("Warning", header(cut)); // replaces the ones written whole
            } else {
                response.addHeader("Warning", header(cut));
            }
        }
    }

    private static String header(String text) {
        return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String cut(String text) {
        return length(text) <= ITEM ? text : text.substring(0, text.offsetByCodePoints(0, ITEM));
    }
}
