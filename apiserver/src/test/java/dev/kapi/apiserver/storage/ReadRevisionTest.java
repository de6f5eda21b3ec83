package dev.kapi.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The read options admit only the reads kube has: each invalid combination is refused when it is built. */
class ReadRevisionTest {

    record Case(String name, Supplier<Object> build, boolean valid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("most recent", () -> ReadRevision.MOST_RECENT, true),
                new Case("not older than 5", () -> ReadRevision.notOlderThan(5), true),
                new Case("exact 5", () -> ReadRevision.exact(5), true),
                new Case("not older than 0 (that is any)", () -> ReadRevision.notOlderThan(0), false),
                new Case("exact 0", () -> ReadRevision.exact(0), false),
                new Case("exact -1", () -> ReadRevision.exact(-1), false),
                new Case("any with a revision", () -> new ReadRevision(ReadRevision.Match.ANY, 5), false),
                new Case("most recent with a revision", () -> new ReadRevision(ReadRevision.Match.MOST_RECENT, 5), false),
                new Case("no match", () -> new ReadRevision(null, 0), false),
                new Case("get any", () -> GetOptions.ANY, true),
                new Case("get not older than", () -> GetOptions.notOlderThan(5), true),
                new Case("get exact (kube's get has none)", () -> new GetOptions(ReadRevision.exact(5)), false),
                new Case("get continue", () -> new GetOptions(ReadRevision.CONTINUE), false),
                new Case("list exact with a limit", () -> ListOptions.exact(5, 10), true),
                new Case("list continue", () -> ListOptions.continueFrom("token", 10), true),
                new Case("list continue without a token", () -> new ListOptions(ReadRevision.CONTINUE, 0, null), false),
                new Case("list continue with an empty token", () -> new ListOptions(ReadRevision.CONTINUE, 0, ""), false),
                new Case("list most recent with a token", () -> new ListOptions(ReadRevision.MOST_RECENT, 0, "t"), false),
                new Case("list exact with a token", () -> new ListOptions(ReadRevision.exact(5), 0, "t"), false),
                new Case("list without a revision", () -> new ListOptions(null, 0, null), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsOnlyWhatKubeReads(Case c) {
        if (c.valid()) {
            assertThatNoException().isThrownBy(c.build()::get);
        } else {
            assertThatThrownBy(c.build()::get).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
