package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.FieldsV1;
import dev.kapi.apiserver.api.schema.Schema;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Server-side apply merge cases whose inputs and expected results are those of the table tests of
 * <a href="https://github.com/kubernetes-sigs/structured-merge-diff">sigs.k8s.io/structured-merge-diff</a>
 * at commit 15d0754 ({@code merge/*_test.go}, {@code typed/merge_test.go}, {@code typed/toset_test.go})
 * and of kube's own apply tests, run against our {@link Updater}. One dynamic test per case, named by
 * the case; each case cites its source test ({@code source:}) in {@code src/test/resources/smd-merge-cases}.
 *
 * <p>A case file holds {@code schemas} (named, in smd's schema language, read by {@link SmdSchemas}) and
 * {@code cases}. A case names its {@code schema} and runs its {@code ops} in order from no object, as smd's
 * {@code internal/fixture} does:
 * <ul>
 *   <li>{@code apply: <manager>} or {@code update: <manager>}, with {@code apiVersion} and {@code object}
 *       ({@code {}} stands for smd's empty YAML); an apply may be {@code force: true}. As smd's fixture parses
 *       an applied configuration strictly and an updated object allowing duplicates, an apply's object is
 *       first checked with {@link Validate}.</li>
 *   <li>An apply with {@code conflicts} (a list of manager and path in smd's notation) must fail with
 *       exactly those conflicts and changes nothing, as in smd; {@code anyConflict: true} and
 *       {@code conflictCount: n} state only what kube's tests state. {@code error: true}: the operation
 *       must fail with another error. {@code unchanged: true}: the operation must leave the object as it
 *       was.</li>
 *   <li>{@code changeSchema: <name>}: later operations use that schema (smd's ChangeParser).</li>
 * </ul>
 * A case's {@code ignored} paths are the Updater's ignored fields (smd's IgnoredFields, or an
 * ExcludeSetFilter, for the one version the case uses).
 * Then, where given: {@code object}, the whole final object (numbers compared by value, {@code {}} also
 * matches no object); {@code managed}, every manager's apiVersion, {@code applied} when stated (smd's
 * fixture compares managers with {@code ManagedFields.Difference}, which ignores the flag, so the values its
 * tables give it are not expectations and are not copied) and set,
 * as smd path strings ({@code fields}, read by {@link SmdPaths}) or FieldsV1 JSON ({@code fieldsV1});
 * {@code managers}, just the managers' names; {@code values} at paths and paths that are
 * {@code emptyOrAbsent}. As smd's fixture, every case also checks that no manager is left with an empty
 * set.
 */
class SmdMergeCasesTest {

    static final String DIR = "/smd-merge-cases";

    @TestFactory
    Stream<DynamicNode> cases() throws IOException, URISyntaxException {
        Path dir = Path.of(SmdMergeCasesTest.class.getResource(DIR).toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<DynamicNode> out = new ArrayList<>();
        for (Path file : files) {
            JsonNode doc = load(file);
            Map<String, JsonNode> schemas = new HashMap<>();
            doc.get("schemas").properties().forEach(e -> schemas.put(e.getKey(), e.getValue()));
            List<DynamicNode> tests = new ArrayList<>();
            for (JsonNode c : doc.get("cases")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asString(), () -> new Run(c, schemas).run()));
            }
            out.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
        }
        return out.stream();
    }

    /** The number of cases, so that a file that stops loading cannot shrink the suite unnoticed. */
    @Test
    void holdsTheCases() throws Exception {
        long n = cases().mapToLong(c -> ((DynamicContainer) c).getChildren().count()).sum();
        assertThat(n).isGreaterThanOrEqualTo(200);
    }

    /**
     * Case files are YAML 1.1 like the Go YAML smd's tests are written in (go-yaml v2), read with SnakeYAML
     * (anchors and aliases resolved) and turned into JSON trees.
     */
    static JsonNode load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return Json.MAPPER.valueToTree(data);
        }
    }

    /** One case being run. */
    private static final class Run {
        final JsonNode c;
        final Map<String, JsonNode> schemas;
        final String where;
        JsonNode live;
        Map<String, VersionedSet> managers = new HashMap<>();
        Schema schema;

        Run(JsonNode c, Map<String, JsonNode> schemas) {
            this.c = c;
            this.schemas = schemas;
            this.where = c.get("source").asString();
        }

        void run() {
            Updater updater = updater(c.get("schema").asString());
            int i = 0;
            for (JsonNode op : c.get("ops")) {
                if (op.has("changeSchema")) {
                    updater = updater(op.get("changeSchema").asString());
                } else {
                    step(updater, op, i);
                }
                i++;
            }
            if (c.has("object")) {
                JsonNode want = c.get("object");
                if (!sameJson(want, live)) {
                    fail("%s: object\nwant %s\ngot  %s", where, want, live);
                }
            }
            if (c.has("managed")) {
                checkManaged(c.get("managed"));
            }
            if (c.has("managers")) {
                List<String> want = new ArrayList<>();
                c.get("managers").forEach(m -> want.add(m.asString()));
                assertThat(managers.keySet()).as("%s: managers", where).containsExactlyInAnyOrderElementsOf(want);
            }
            if (c.has("values")) {
                c.get("values").properties().forEach(e -> {
                    JsonNode got = at(live, e.getKey());
                    if (got == null || !sameJson(e.getValue(), got)) {
                        fail("%s: value at %s: want %s, got %s in %s", where, e.getKey(), e.getValue(), got, live);
                    }
                });
            }
            if (c.has("emptyOrAbsent")) {
                for (JsonNode p : c.get("emptyOrAbsent")) {
                    JsonNode got = at(live, p.asString());
                    if (got != null && !got.isNull() && !(got.isContainer() && got.isEmpty())) {
                        fail("%s: want %s empty or absent, got %s", where, p.asString(), got);
                    }
                }
            }
            managers.forEach((m, vs) -> {
                if (vs.set().isEmpty()) {
                    fail("%s: manager %s is left with an empty set", where, m);
                }
            });
        }

        /** An Updater for the named schema, ignoring the case's {@code ignored} fields. */
        Updater updater(String schemaName) {
            FieldSet ignored = c.has("ignored") ? SmdPaths.set(strings(c.get("ignored"))) : FieldSet.empty();
            schema = schema(schemaName);
            return new Updater(schema, ignored);
        }

        Schema schema(String name) {
            JsonNode spec = schemas.get(name);
            if (spec == null) {
                throw new IllegalArgumentException("no schema " + name);
            }
            return SmdSchemas.build(spec);
        }

        void step(Updater updater, JsonNode op, int i) {
            boolean apply = op.has("apply");
            String manager = (apply ? op.get("apply") : op.get("update")).asString();
            String version = op.get("apiVersion").asString();
            JsonNode object = op.get("object").deepCopy();
            boolean wantsConflicts = op.has("conflicts") && !op.get("conflicts").isEmpty()
                    || op.path("anyConflict").asBoolean(false) || op.has("conflictCount");
            String what = "%s: op %d (%s by %s)".formatted(where, i, apply ? "apply" : "update", manager);
            JsonNode before = live == null ? null : live.deepCopy();
            Updater.Result r;
            try {
                if (apply) {
                    // smd's fixture parses an applied configuration strictly (no duplicates), an update's leniently
                    Validate.check(schema, object);
                }
                r = apply
                        ? updater.apply(live, object, version, new HashMap<>(managers), manager,
                                op.path("force").asBoolean(false))
                        : updater.update(live, object, version, new HashMap<>(managers), manager);
            } catch (Conflicts e) {
                if (!wantsConflicts) {
                    throw new AssertionError(what + ": unexpected conflicts " + describe(e), e);
                }
                checkConflicts(what, op, e);
                return;
            } catch (RuntimeException e) {
                if (op.path("error").asBoolean(false)) {
                    return;
                }
                throw new AssertionError(what + ": failed: " + e, e);
            }
            if (wantsConflicts) {
                fail("%s: expected conflicts, got none", what);
            }
            if (op.path("error").asBoolean(false)) {
                fail("%s: expected an error, got none", what);
            }
            if (r.object() != null) {
                live = r.object();
            }
            managers = new HashMap<>(r.managers());
            if (op.path("unchanged").asBoolean(false) && !sameJson(before, live)) {
                fail("%s: expected no change\nbefore %s\nafter  %s", what, before, live);
            }
        }

        void checkConflicts(String what, JsonNode op, Conflicts e) {
            List<String> got = e.conflicts().stream().map(x -> x.manager() + " " + x.pathString()).sorted().toList();
            if (op.has("conflictCount")) {
                assertThat(got).as("%s: conflicts", what).hasSize(op.get("conflictCount").asInt());
            }
            if (op.has("conflicts")) {
                List<String> want = new ArrayList<>();
                op.get("conflicts").forEach(x -> want.add(x.get("manager").asString() + " " + x.get("path").asString()));
                assertThat(got).as("%s: conflicts", what).isEqualTo(want.stream().sorted().toList());
            }
            assertThat(got).as("%s: conflicts", what).isNotEmpty();
        }

        void checkManaged(JsonNode want) {
            Map<String, String> problems = new TreeMap<>();
            want.properties().forEach(e -> {
                String m = e.getKey();
                JsonNode w = e.getValue();
                VersionedSet got = managers.get(m);
                if (got == null) {
                    problems.put(m, "missing");
                    return;
                }
                FieldSet wantSet = w.has("fieldsV1")
                        ? FieldsV1.toSet(w.get("fieldsV1"))
                        : SmdPaths.set(strings(w.get("fields")));
                if (!wantSet.equals(got.set())) {
                    problems.put(m, "set\n    want " + wantSet + "\n    got  " + got.set());
                }
                if (!w.get("apiVersion").asString().equals(got.apiVersion())) {
                    problems.merge(m, "apiVersion " + got.apiVersion(), (a, b) -> a + "; " + b);
                }
                if (w.has("applied") && w.get("applied").asBoolean() != got.applied()) {
                    problems.merge(m, "applied " + got.applied(), (a, b) -> a + "; " + b);
                }
            });
            managers.keySet().stream().filter(m -> !want.has(m))
                    .forEach(m -> problems.put(m, "unexpected manager with " + managers.get(m).set()));
            if (!problems.isEmpty()) {
                StringBuilder sb = new StringBuilder(where + ": managed fields");
                problems.forEach((m, p) -> sb.append("\n  ").append(m).append(": ").append(p));
                fail(sb.toString());
            }
        }
    }

    static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asString()));
        return out;
    }

    static String describe(Conflicts e) {
        return e.conflicts().stream().map(x -> x.manager() + " " + x.pathString()).toList().toString();
    }

    /**
     * The value at an smd path ({@code .a.b}, {@code .list[name="x"]}, {@code .list[0]}) in {@code obj}, or
     * null where there is none.
     */
    static JsonNode at(JsonNode obj, String path) {
        JsonNode n = obj;
        for (String e : SmdPaths.elements(path)) {
            if (n == null) {
                return null;
            }
            String body = e.substring(2);
            switch (e.charAt(0)) {
                case 'f' -> n = n.get(body);
                case 'i' -> n = n.get(Integer.parseInt(body));
                case 'k' -> {
                    ObjectNode key = (ObjectNode) Json.MAPPER.readTree(body);
                    JsonNode found = null;
                    for (JsonNode item : n) {
                        boolean match = true;
                        for (var k : key.properties()) {
                            match &= item.has(k.getKey()) && sameJson(k.getValue(), item.get(k.getKey()));
                        }
                        if (match) {
                            found = item;
                        }
                    }
                    n = found;
                }
                default -> throw new IllegalArgumentException("path element " + e + " in " + path);
            }
        }
        return n;
    }

    /** JSON equality with numbers compared by value and, at the top, an empty object the same as none. */
    static boolean sameJson(JsonNode want, JsonNode got) {
        if (isEmptyRoot(want) && isEmptyRoot(got)) {
            return true;
        }
        return equal(want, got);
    }

    private static boolean isEmptyRoot(JsonNode n) {
        return n == null || n.isNull() || n.isObject() && n.isEmpty();
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (var e : a.properties()) {
                if (!equal(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
