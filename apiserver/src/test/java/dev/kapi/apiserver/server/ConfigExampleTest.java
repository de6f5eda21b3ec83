package dev.kapi.apiserver.server;

import dev.kapi.apiserver.KnownFlags;
import dev.kapi.apiserver.authn.StaticTokenFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example configuration a user copies ({@code config/kapi-example.yaml}) names every flag of the README's
 * flags table, set or commented out, and nothing the server does not read; the example token file parses.
 * (ConfigExamplesIT starts a server with these files.)
 */
class ConfigExampleTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern EXAMPLE_KEY = Pattern.compile("^(?:# )?([a-z][a-z0-9-]*): ", Pattern.MULTILINE);
    private static final Pattern TABLE_FLAG = Pattern.compile("`--([a-z][a-z0-9-]*)`");

    @Test
    void theExampleNamesEveryFlagOfTheReadmeTableAndNoOther() throws IOException {
        assertThat(exampleKeys()).isEqualTo(readmeFlags());
    }

    @Test
    void theServerKnowsExactlyTheFlagsOfTheReadmeTable() throws IOException {
        assertThat(new TreeSet<>(KnownFlags.NAMES)).isEqualTo(readmeFlags());
    }

    @Test
    void everyKeyOfTheExampleIsOneTheServerReads() throws IOException {
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(f));
            }
            sources = all.toString();
        }
        for (String key : exampleKeys()) {
            assertThat(sources).as("a placeholder or property read of " + key)
                    .containsAnyOf("${" + key + ":", "${" + key + "}", "\"" + key + "\"");
        }
    }

    @Test
    void theExampleTokenFileParses() throws IOException {
        StaticTokenFile tokens = StaticTokenFile.load(ROOT.resolve("config/tokens.csv"));
        assertThat(tokens.authenticateToken("CHANGE-ME-alice-0f6c1d2e9b7a4c58", List.of()))
                .hasValueSatisfying(u -> assertThat(u.groups()).containsExactly("team-a"));
    }

    private static Set<String> exampleKeys() throws IOException {
        return matches(EXAMPLE_KEY, Files.readString(ROOT.resolve("config/kapi-example.yaml")));
    }

    private static Set<String> readmeFlags() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("| flag | default | meaning |");
        assertThat(start).as("the README's flags table").isPositive();
        int end = readme.indexOf("\n\n", start);
        StringBuilder firstColumns = new StringBuilder();
        for (String row : readme.substring(start, end).split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length > 1) {
                firstColumns.append(cells[1]).append('\n');
            }
        }
        return matches(TABLE_FLAG, firstColumns.toString());
    }

    private static Set<String> matches(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
