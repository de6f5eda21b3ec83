package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypes;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.kapi.apiserver.cel.KubeLibraries;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Compiles admission CEL expressions (match conditions, policy validations, message expressions, audit
 * annotations, variables) to check them as kube-apiserver does when the object is written: the variables
 * {@code object}, {@code oldObject} (dyn), {@code request}, {@code namespaceObject}, optionally {@code params}
 * (dyn), {@code authorizer} and {@code authorizer.requestResource}, and {@code variables} for a policy with
 * variables, with kube's CEL libraries. Errors read as kube's: {@code compilation failed: ERROR: <input>:1:1:
 * ...} or {@code must evaluate to bool but got dyn}. Nothing here evaluates an expression.
 */
final class AdmissionCel {

    /** What an expression must evaluate to ({@code ReturnTypes} of kube's expression accessors). */
    enum Returns {
        BOOL(List.of(SimpleType.BOOL)), STRING(List.of(SimpleType.STRING)),
        STRING_OR_NULL(List.of(SimpleType.STRING, SimpleType.NULL_TYPE)), ANY(List.of());

        private final List<CelType> types;

        Returns(List<CelType> types) {
            this.types = types;
        }
    }

    /** The outcome: the expression's type, or the detail of kube's Invalid error. */
    record Result(CelType type, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private static final CelOptions OPTIONS = CelOptions.current().enableOptionalSyntax(true).build();
    private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: [^\\n]*\\)");
    private static final Pattern LOCATION = Pattern.compile("^(ERROR: <input>:\\d+:\\d+: )", Pattern.MULTILINE);
    private static final Map<String, AdmissionCel> SHARED = new ConcurrentHashMap<>();

    private final Cel cel;
    private final CelValidator homogeneous;

    private AdmissionCel(boolean params, boolean authorizer, Map<String, CelType> variables) {
        AdmissionCelTypes types = new AdmissionCelTypes(variables);
        CelBuilder b = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("namespaceObject", types.namespace)
                .addVar("request", types.request);
        if (params) {
            b.addVar("params", SimpleType.DYN);
        }
        if (authorizer) {
            b.addVar("authorizer", AdmissionCelTypes.AUTHORIZER)
                    .addVar("authorizer.requestResource", AdmissionCelTypes.RESOURCE_CHECK);
        }
        if (types.variables != null) {
            b.addVar("variables", types.variables);
        }
        b.addFunctionDeclarations(AdmissionCelTypes.authorizerFunctions());
        this.cel = KubeLibraries.addTo(b, OPTIONS).build();
        this.homogeneous = CelValidatorFactory.standardCelValidatorBuilder(cel)
                .addAstValidators(HomogeneousLiteralValidator.newInstance("format"))
                .build();
    }

    /** The environment without composition (built once per combination, shared). */
    static AdmissionCel of(boolean params, boolean authorizer) {
        return SHARED.computeIfAbsent(params + "/" + authorizer, k -> new AdmissionCel(params, authorizer, null));
    }

    /** An environment where {@code variables.<name>} has the given types (a policy with variables). */
    static AdmissionCel composited(boolean params, boolean authorizer, Map<String, CelType> variables) {
        return new AdmissionCel(params, authorizer, variables);
    }

    /** Compiles {@code expression} and checks that its type is among {@code returns}. */
    Result compile(String expression, Returns returns) {
        CelType type;
        try {
            CelValidationResult parsed = cel.parse(expression);
            if (parsed.hasError()) {
                return failed(LOCATION.matcher(issues(parsed)).replaceAll("$1Syntax error: "));
            }
            CelValidationResult checked = cel.check(parsed.getAst());
            if (checked.hasError()) {
                return failed(CANDIDATES.matcher(issues(checked)).replaceAll(""));
            }
            CelValidationResult validated = homogeneous.validate(checked.getAst());
            if (validated.hasError()) {
                return failed(issues(validated));
            }
            type = checked.getAst().getResultType();
        } catch (CelValidationException e) {
            return failed(e.getMessage());
        }
        if (returns.types.isEmpty() || returns.types.contains(type)) {
            return new Result(type, null);
        }
        String got = name(type);
        if (returns.types.size() == 1) {
            return new Result(type, "must evaluate to " + name(returns.types.getFirst()) + " but got " + got);
        }
        return new Result(type, "must evaluate to one of " + returns.types.stream().map(AdmissionCel::name).toList()
                .toString().replace(",", "") + " but got " + got);
    }

    /** A type's name as cel-go prints it ({@code null_type} where cel-java says {@code null}). */
    private static String name(CelType type) {
        return type.equals(SimpleType.NULL_TYPE) ? "null_type" : CelTypes.format(type);
    }

    private static Result failed(String issues) {
        return new Result(null, "compilation failed: " + issues);
    }

    private static String issues(CelValidationResult r) {
        try {
            r.getAst();
            return "";
        } catch (CelValidationException e) {
            return e.getMessage();
        }
    }
}
