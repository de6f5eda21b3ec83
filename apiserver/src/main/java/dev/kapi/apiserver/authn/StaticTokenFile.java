package dev.kapi.apiserver.authn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --token-auth-file}: kube-apiserver's static token CSV, one {@code token,user,uid,"group1,group2"}
 * line per token (the groups column is optional). Read once at startup.
 */
public final class StaticTokenFile implements TokenAuthenticator {

    private final Map<String, UserInfo> users;
    private final List<String> apiAudiences;

    private StaticTokenFile(Map<String, UserInfo> users, List<String> apiAudiences) {
        this.users = Map.copyOf(users);
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    /**
     * The same tokens, each for the server's API audiences ({@code --api-audiences}): kube's static tokens are
     * audience-agnostic, so a TokenReview for other audiences does not authenticate them.
     */
    public StaticTokenFile forApiAudiences(List<String> audiences) {
        return new StaticTokenFile(users, audiences);
    }

    public static StaticTokenFile load(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Parses the CSV text; a line with fewer than three columns is an error. */
    public static StaticTokenFile parse(String csv) {
        if (csv.startsWith("\uFEFF")) {
            csv = csv.substring(1);
        }
        Map<String, UserInfo> users = new HashMap<>();
        String[] lines = csv.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> record = CsvLine.split(lines[i]);
            if (record.size() < 3) {
                throw new IllegalArgumentException("line " + (i + 1) + " must have at least 3 columns (token, user name,"
                        + " user uid), found " + record.size());
            }
            List<String> groups = record.size() > 3 && !record.get(3).isEmpty()
                    ? Arrays.stream(record.get(3).split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList()
                    : List.of();
            users.putIfAbsent(record.get(0), new UserInfo(record.get(1), record.get(2), groups, Map.of()));
        }
        return new StaticTokenFile(users, List.of());
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        return TokenAuthenticator.audienceAgnostic(apiAudiences, audiences, () -> Optional.ofNullable(users.get(token)));
    }

    /** One CSV record: comma separated, double-quoted fields may hold commas and {@code ""} escapes. */
    static final class CsvLine {
        private CsvLine() {
        }

        static List<String> split(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException("unterminated quoted field");
            }
            out.add(field.toString());
            return out;
        }
    }
}
