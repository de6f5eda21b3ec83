package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.GoAggregate;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.CelTypes;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.cel.CelErrors;
import dev.kapi.apiserver.cel.KubeLibraries;
import dev.kapi.apiserver.cel.RuntimeCost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code matchConditions} of an authorization webhook in {@code --authorization-config} (kube's authorization
 * CEL matcher): boolean CEL expressions over {@code request}, the request's {@code authorization.k8s.io/v1}
 * SubjectAccessReviewSpec ({@code kubernetes.SubjectAccessReviewSpec}: {@code user}, {@code groups}, {@code extra},
 * {@code uid}, and {@code resourceAttributes} or {@code nonResourceAttributes}, whose string fields are always
 * there, empty when unset: a cluster-scoped request's namespace is {@code ''}), e.g.
 * {@code has(request.resourceAttributes) && request.resourceAttributes.namespace == 'team-a'}.
 * The webhook is asked only when every condition is true. In order: the first false one means "not this webhook"
 * (no opinion, nothing sent), whatever errors came before it; with no false one, any errors are the result
 * ({@code cel evaluation error: expression '<e>' resulted in error: <why>}, several as {@code [e1, e2]}). Each
 * expression may cost at most {@link #PER_CALL_LIMIT} (kube's runtime cost units). Thread-safe once compiled.
 */
public final class WebhookMatchConditions {

    /** kube's limit on the number of match conditions of one webhook. */
    public static final int MAX = 64;
    static final long PER_CALL_LIMIT = 1_000_000L;
    static final StructType REQUEST;
    private static final Map<String, CelType> TYPES = new LinkedHashMap<>();
    private static final CelOptions OPTIONS = CelOptions.current().enableOptionalSyntax(true).build();
    private static final HomogeneousLiteralValidator HOMOGENEOUS = HomogeneousLiteralValidator.newInstance("format");
    private static volatile Cel environment;

    static {
        ListType strings = ListType.create(SimpleType.STRING);
        StructType fieldRequirement = struct("kubernetes.FieldSelectorRequirement",
                "key", SimpleType.STRING, "operator", SimpleType.STRING, "values", strings);
        StructType labelRequirement = struct("kubernetes.LabelSelectorRequirement",
                "key", SimpleType.STRING, "operator", SimpleType.STRING, "values", strings);
        StructType fieldSelector = struct("kubernetes.FieldSelectorAttributes",
                "rawSelector", SimpleType.STRING, "requirements", ListType.create(fieldRequirement));
        StructType labelSelector = struct("kubernetes.LabelSelectorAttributes",
                "rawSelector", SimpleType.STRING, "requirements", ListType.create(labelRequirement));
        StructType resource = struct("kubernetes.ResourceAttributes", "namespace", SimpleType.STRING,
                "verb", SimpleType.STRING, "group", SimpleType.STRING, "version", SimpleType.STRING,
                "resource", SimpleType.STRING, "subresource", SimpleType.STRING, "name", SimpleType.STRING,
                "fieldSelector", fieldSelector, "labelSelector", labelSelector);
        StructType nonResource = struct("kubernetes.NonResourceAttributes",
                "path", SimpleType.STRING, "verb", SimpleType.STRING);
        REQUEST = struct("kubernetes.SubjectAccessReviewSpec", "resourceAttributes", resource,
                "nonResourceAttributes", nonResource, "user", SimpleType.STRING, "groups", strings,
                "extra", MapType.create(SimpleType.STRING, strings), "uid", SimpleType.STRING);
    }

    /** The outcome for one request: {@link #matches} (ask the webhook), or not, or {@link #error} (neither). */
    public record Result(boolean matches, String error) {
    }

    private static final Result MATCH = new Result(true, null);
    private static final Result NO_MATCH = new Result(false, null);

    private final List<String> expressions;
    private final List<CelRuntime.Program> programs;

    private WebhookMatchConditions(List<String> expressions, List<CelRuntime.Program> programs) {
        this.expressions = expressions;
        this.programs = programs;
    }

    /** No conditions: every request is sent. */
    public static WebhookMatchConditions none() {
        return new WebhookMatchConditions(List.of(), List.of());
    }

    /**
     * Why {@code expression} cannot be a condition, in kube's words ({@code compilation failed: ERROR: <input>:1:9:
     * undefined field 'usr' ...}, {@code must evaluate to bool but got string}); null when it can.
     */
    public static String compileError(String expression) {
        Object compiled = compileOne(expression);
        return compiled instanceof String error ? error : null;
    }

    /** @throws IllegalArgumentException when one does not compile ({@link #compileError} says why) */
    public static WebhookMatchConditions compile(List<String> expressions) {
        List<CelRuntime.Program> programs = new ArrayList<>();
        for (String e : expressions) {
            Object compiled = compileOne(e);
            if (compiled instanceof String error) {
                throw new IllegalArgumentException(error);
            }
            programs.add((CelRuntime.Program) compiled);
        }
        return new WebhookMatchConditions(List.copyOf(expressions), List.copyOf(programs));
    }

    public boolean isEmpty() {
        return programs.isEmpty();
    }

    /** Evaluates the conditions on the request's attributes (see the class comment for the order). */
    public Result evaluate(AuthorizationAttributes attributes) {
        if (programs.isEmpty()) {
            return MATCH;
        }
        Map<String, Object> vars = Map.of("request", request(attributes));
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Object value;
            try {
                value = new RuntimeCost(() -> PER_CALL_LIMIT, c -> new CostLimit()).trace(programs.get(i), vars);
            } catch (CostLimit c) {
                errors.add(failed(i, "operation cancelled: actual cost limit exceeded"));
                continue;
            } catch (CelEvaluationException e) {
                errors.add(failed(i, CelErrors.runtime(e)));
                continue;
            }
            if (!Boolean.TRUE.equals(value)) {
                return NO_MATCH;
            }
        }
        if (errors.isEmpty()) {
            return MATCH;
        }
        return new Result(false, GoAggregate.of(errors));
    }

    private String failed(int i, String why) {
        return "cel evaluation error: expression '" + expressions.get(i) + "' resulted in error: " + why;
    }

    /**
     * The v1 SubjectAccessReviewSpec as kube gives it to CEL: every string field and {@code groups} and
     * {@code extra} always there (empty when unset), and one of the two attribute objects.
     */
    static Map<String, Object> request(AuthorizationAttributes a) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (a.resourceRequest()) {
            Map<String, Object> resource = new LinkedHashMap<>(Map.of("namespace", nz(a.namespace()),
                    "verb", nz(a.verb()), "group", nz(a.apiGroup()), "version", nz(a.apiVersion()),
                    "resource", nz(a.resource()), "subresource", nz(a.subresource()), "name", nz(a.name())));
            putSelector(resource, "fieldSelector", a.selectors().fields());
            putSelector(resource, "labelSelector", a.selectors().labels());
            spec.put("resourceAttributes", resource);
        } else {
            spec.put("nonResourceAttributes", Map.of("path", nz(a.path()), "verb", nz(a.verb())));
        }
        UserInfo user = a.user();
        spec.put("user", nz(user.name()));
        spec.put("groups", user.groups() == null ? List.of() : List.copyOf(user.groups()));
        spec.put("extra", user.extra() == null ? Map.of() : Map.copyOf(user.extra()));
        spec.put("uid", nz(user.uid()));
        return spec;
    }

    /** A selector as kube hands it to CEL: {@code {requirements: [{key, operator, values}]}}, only when narrowing. */
    private static void putSelector(Map<String, Object> resource, String name,
                                    List<AuthorizationSelectors.Requirement> requirements) {
        if (!requirements.isEmpty()) {
            resource.put(name, Map.of("requirements", requirements.stream().map(r -> Map.of("key", r.key(),
                    "operator", r.operator(), "values", r.values())).toList()));
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The program, or the error (a String) that kept the expression from compiling. */
    private static Object compileOne(String expression) {
        Cel cel = environment();
        CelValidationResult parsed = cel.parse(expression);
        if (parsed.hasError()) {
            return "compilation failed: " + CelErrors.parseIssues(parsed);
        }
        try {
            CelValidationResult checked = cel.check(parsed.getAst());
            if (checked.hasError()) {
                return "compilation failed: " + CelErrors.checkIssues(checked);
            }
            CelAbstractSyntaxTree ast = checked.getAst();
            CelValidationResult validated = CelValidatorFactory.standardCelValidatorBuilder(cel)
                    .addAstValidators(HOMOGENEOUS).build().validate(ast);
            if (validated.hasError()) {
                return "compilation failed: " + CelErrors.issues(validated);
            }
            if (!ast.getResultType().equals(SimpleType.BOOL)) {
                CelType t = ast.getResultType();
                return "must evaluate to bool but got "
                        + (t.equals(SimpleType.NULL_TYPE) ? "null_type" : CelTypes.format(t));
            }
            return cel.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            return "compilation failed: " + e.getMessage();
        }
    }

    private static Cel environment() {
        Cel cel = environment;
        if (cel == null) {
            cel = KubeLibraries.addTo(CelFactory.standardCelBuilder().setOptions(OPTIONS)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS).setTypeProvider(new Types())
                    .addVar("request", REQUEST), OPTIONS).build();
            environment = cel;
        }
        return cel;
    }

    private static StructType struct(String name, Object... nameTypePairs) {
        Map<String, CelType> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            fields.put((String) nameTypePairs[i], (CelType) nameTypePairs[i + 1]);
        }
        StructType t = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        TYPES.put(name, t);
        return t;
    }

    private static final class Types implements CelTypeProvider {
        @Override
        public ImmutableCollection<CelType> types() {
            return ImmutableList.copyOf(TYPES.values());
        }

        @Override
        public Optional<CelType> findType(String typeName) {
            return Optional.ofNullable(TYPES.get(typeName));
        }
    }

    /** One expression over {@link #PER_CALL_LIMIT}. */
    private static final class CostLimit extends RuntimeException {
        CostLimit() {
            super(null, null, false, false);
        }
    }
}
