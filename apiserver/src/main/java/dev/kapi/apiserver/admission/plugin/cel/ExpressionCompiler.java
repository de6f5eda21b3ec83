package dev.kapi.apiserver.admission.plugin.cel;

import dev.kapi.apiserver.cel.CelErrors;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypes;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.cel.KubeLibraries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compiles the expressions of one policy or webhook in kube's admission CEL environment (kube's
 * {@code CompositedCompiler}): {@code object}, {@code oldObject} (dyn), {@code request}
 * ({@code kubernetes.AdmissionRequest}), {@code namespaceObject} ({@code kubernetes.Namespace}), {@code params}
 * (dyn, when the policy has a paramKind), {@code authorizer} and {@code authorizer.requestResource} (when
 * asked for), and {@code variables}: each {@link #variable} compiled so far, typed by its expression (not
 * declared at all by a compiler {@link #withoutVariables}, as kube's plain {@code Compiler}). With the standard
 * library and macros, optionals, the strings and sets extensions and kube's libraries; list and map literals must
 * be homogeneous (kube's {@code HomogeneousAggregateLiterals}). Compiling never throws: a {@link CompiledExpression}
 * carries its error. Not thread-safe; the compiled expressions are.
 *
 * <p>The admissionregistration strategies use it to refuse what does not compile when a webhook configuration or
 * policy is written, e.g. {@code ExpressionCompiler.withoutVariables(false).compile(e, Returns.BOOL, true).error()}.
 */
public final class ExpressionCompiler {

    /** What an expression must evaluate to (kube's {@code ReturnTypes}). */
    public enum Returns {
        BOOL(List.of(SimpleType.BOOL)),
        STRING(List.of(SimpleType.STRING)),
        STRING_OR_NULL(List.of(SimpleType.STRING, SimpleType.NULL_TYPE)),
        ANY(List.of());

        private final List<CelType> types;

        Returns(List<CelType> types) {
            this.types = types;
        }
    }

    static final CelOptions OPTIONS = CelOptions.current().enableOptionalSyntax(true).build();
    private static final Map<String, Cel> BASES = new ConcurrentHashMap<>();
    private static final AtomicLong TYPE_CHECKS = new AtomicLong();
    /** cel-go's format library may take a list of mixed arguments; kube exempts it as well. */
    private static final HomogeneousLiteralValidator HOMOGENEOUS = HomogeneousLiteralValidator.newInstance("format");

    private final boolean hasParams;
    private final boolean composition;
    private final CelType objectType;
    private final CelType paramsType;
    private final AdmissionTypes types;
    private final Map<String, CelType> variableTypes = new LinkedHashMap<>();
    private final List<CompiledExpression> variables = new ArrayList<>();

    private ExpressionCompiler(boolean hasParams, boolean composition, CelType objectType, CelType paramsType,
                               AdmissionTypes types) {
        this.hasParams = hasParams;
        this.composition = composition;
        this.objectType = objectType;
        this.paramsType = paramsType;
        this.types = types;
    }

    /** A compiler for a policy ({@code params} declared when it has a paramKind) or a webhook (no params). */
    public static ExpressionCompiler create(boolean hasParams) {
        return new ExpressionCompiler(hasParams, true, SimpleType.DYN, SimpleType.DYN, new AdmissionTypes());
    }

    /**
     * A compiler without composition (kube's plain {@code Compiler}): {@code variables} is not declared and
     * {@link #variable} may not be called. kube checks a webhook's match conditions, a policy's match conditions
     * and the expressions of a policy without variables in such an environment when they are written.
     */
    public static ExpressionCompiler withoutVariables(boolean hasParams) {
        return new ExpressionCompiler(hasParams, false, SimpleType.DYN, SimpleType.DYN, new AdmissionTypes());
    }

    /**
     * A compiler for type checking (kube's {@code TypeChecker}): {@code object} and {@code oldObject} typed by the
     * schema of a kind the policy matches, {@code params} by its paramKind's (dyn where a schema is null). Its
     * compile errors are kube's type-checking warnings.
     */
    public static ExpressionCompiler typed(boolean hasParams, Schema objectSchema, Schema paramsSchema) {
        AdmissionTypes types = new AdmissionTypes();
        String prefix = "typeCheck" + TYPE_CHECKS.incrementAndGet();
        CelType object = new SchemaTypes(prefix + ".object", types).root(objectSchema);
        CelType params = new SchemaTypes(prefix + ".params", types).root(paramsSchema);
        return new ExpressionCompiler(hasParams, true, object, params, types);
    }

    /**
     * Builds the shared environments and runs one expression in each, so that the first policy or webhook
     * compiled does not pay for it (building kube's libraries takes about half a second on a cold JVM). Once per
     * JVM: a further server in the same JVM (kapi-testing) finds the code warm.
     */
    public static void warmUp() {
        if (WARM.get()) {
            return;
        }
        for (boolean params : new boolean[] {false, true}) {
            ExpressionCompiler c = create(params);
            c.compile("object == null", Returns.BOOL, false);
            c.compile("request.name.size() > 0 && authorizer.path('/').check('get').allowed()", Returns.BOOL, true);
        }
        WARM.set(true);
    }

    private static final AtomicBoolean WARM = new AtomicBoolean();

    /** Compiles a variable and makes it {@code variables.<name>} for what is compiled after it. */
    public CompiledExpression variable(String name, String expression) {
        if (!composition) {
            throw new IllegalStateException("a compiler without variables cannot compile variable " + name);
        }
        CompiledExpression c = compile(name, expression, Returns.ANY, true);
        variableTypes.put(name, c.compiled() ? declared(c.outputType()) : SimpleType.DYN);
        variables.add(c);
        return c;
    }

    /** The variables compiled so far, in order. */
    public List<CompiledExpression> variables() {
        return List.copyOf(variables);
    }

    /** Compiles an expression that must evaluate to {@code returns}; {@code authorizer} declares the authorizer. */
    public CompiledExpression compile(String expression, Returns returns, boolean authorizer) {
        return compile(null, expression, returns, authorizer);
    }

    private CompiledExpression compile(String name, String expression, Returns returns, boolean authorizer) {
        Cel cel = environment(authorizer);
        CelValidationResult parsed = cel.parse(expression);
        if (parsed.hasError()) {
            return failed(name, expression, "compilation failed: " + CelErrors.parseIssues(parsed));
        }
        CelValidationResult checked;
        try {
            checked = cel.check(parsed.getAst());
        } catch (CelValidationException e) {
            return failed(name, expression, "compilation failed: " + e.getMessage());
        }
        if (checked.hasError()) {
            return failed(name, expression, "compilation failed: " + CelErrors.checkIssues(checked));
        }
        try {
            CelAbstractSyntaxTree ast = checked.getAst();
            CelValidationResult validated = CelValidatorFactory.standardCelValidatorBuilder(cel)
                    .addAstValidators(HOMOGENEOUS).build().validate(ast);
            if (validated.hasError()) {
                return failed(name, expression, "compilation failed: " + CelErrors.issues(validated));
            }
            CelType output = ast.getResultType();
            if (!returns.types.isEmpty() && returns.types.stream().noneMatch(t -> t.equals(output))) {
                String reason = returns.types.size() == 1
                        ? "must evaluate to " + format(returns.types.get(0)) + " but got " + format(output)
                        : "must evaluate to one of " + returns.types.stream().map(ExpressionCompiler::format).toList()
                                .toString().replace(",", "") + " but got " + format(output);
                return failed(name, expression, reason);
            }
            return new CompiledExpression(name, expression, cel.createProgram(ast), null, output);
        } catch (CelValidationException | CelEvaluationException e) {
            return failed(name, expression, "program instantiation failed: " + e.getMessage());
        }
    }

    private static CompiledExpression failed(String name, String expression, String error) {
        return new CompiledExpression(name, expression, null, error, null);
    }

    /** cel-go's type names: {@code bool}, {@code list(int)}, {@code null_type}. */
    static String format(CelType t) {
        return t.equals(SimpleType.NULL_TYPE) ? "null_type" : CelTypes.format(t);
    }

    /** kube keeps a variable's type when it is a primitive, list or map, and makes it dyn otherwise. */
    private static CelType declared(CelType t) {
        if (t instanceof ListType l) {
            return ListType.create(declared(l.elemType()));
        }
        if (t instanceof MapType m) {
            return MapType.create(declared(m.keyType()), declared(m.valueType()));
        }
        if (t instanceof SimpleType) {
            return t;
        }
        return SimpleType.DYN;
    }

    private Cel environment(boolean authorizer) {
        if (!composition) {
            return base(authorizer);
        }
        StructType vars = AdmissionTypes.variablesType(variableTypes);
        return base(authorizer).toCelBuilder()
                .setTypeProvider(types.with(Map.of(vars.name(), vars)))
                .addVar("variables", vars)
                .build();
    }

    private Cel base(boolean authorizer) {
        boolean typed = objectType != SimpleType.DYN || paramsType != SimpleType.DYN;
        if (typed) {
            return build(authorizer);
        }
        return BASES.computeIfAbsent(hasParams + "/" + authorizer, k -> build(authorizer));
    }

    private Cel build(boolean authorizer) {
        var b = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addVar("object", objectType)
                .addVar("oldObject", objectType)
                .addVar("request", AdmissionTypes.REQUEST)
                .addVar("namespaceObject", AdmissionTypes.NAMESPACE)
                .addFunctionDeclarations(AuthorizerLibrary.declarations())
                .addFunctionBindings(AuthorizerLibrary.bindings());
        if (hasParams) {
            b.addVar("params", paramsType);
        }
        if (authorizer) {
            b.addVar("authorizer", AuthorizerLibrary.AUTHORIZER)
                    .addVar("authorizer.requestResource", AuthorizerLibrary.RESOURCE_CHECK);
        }
        return KubeLibraries.addTo(b, OPTIONS).build();
    }
}
