package dev.kapi.apiserver.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of one README section, as printed: under {@code ## <section>}, each {@code ### <name>}
 * heading's first fenced block ({@code ```lang ... ```}). Tests run these, so README and tests cannot drift.
 */
public final class ReadmeSnippets {

    /** One fenced block: its language tag and its text (ending with a newline). */
    public record Snippet(String name, String lang, String code) {
    }

    private static final Pattern SUBSECTION = Pattern.compile("(?m)^### (.+)$");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```$");

    private ReadmeSnippets() {
    }

    /** The README at the repository root (the module's parent directory when tests run in {@code apiserver}). */
    public static Path readme() {
        for (Path p : new Path[]{Path.of("README.md"), Path.of("../README.md")}) {
            if (Files.isRegularFile(p.toAbsolutePath())) {
                String name = p.toAbsolutePath().normalize().getParent().getFileName().toString();
                if (!name.equals("apiserver")) {
                    return p.toAbsolutePath().normalize();
                }
            }
        }
        throw new IllegalStateException("no README.md in " + Path.of("").toAbsolutePath() + " or its parent");
    }

    /** The snippets of {@code ## section} by their {@code ###} heading, in README order. */
    public static Map<String, Snippet> section(String section) {
        String text;
        try {
            text = Files.readString(readme());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("\n## " + section + "\n");
        if (start < 0) {
            throw new IllegalStateException("README.md has no section '## " + section + "'");
        }
        int end = text.indexOf("\n## ", start + 1);
        String body = text.substring(start, end < 0 ? text.length() : end);
        Map<String, Snippet> out = new LinkedHashMap<>();
        Matcher heading = SUBSECTION.matcher(body);
        int from = -1;
        String name = null;
        while (true) {
            boolean found = heading.find();
            if (name != null) {
                String part = body.substring(from, found ? heading.start() : body.length());
                Matcher fence = FENCE.matcher(part);
                if (fence.find()) {
                    out.put(name, new Snippet(name, fence.group(1), fence.group(2)));
                }
            }
            if (!found) {
                return out;
            }
            name = heading.group(1).trim();
            from = heading.end();
        }
    }
}
