package dev.kapi.apiserver.authn.oidc;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.kapi.apiserver.cel.CelErrors;
import dev.kapi.apiserver.cel.KubeLibraries;
import dev.kapi.apiserver.cel.RuntimeCost;

import java.util.Map;
import java.util.Optional;

/**
 * The CEL of kube's JWT authenticators: claim validation rules and claim mappings see {@code claims}
 * ({@code map(string, dyn)}: the token's payload, integers as {@code int}), user validation rules see {@code user}
 * ({@code kubernetes.UserInfo}: {@code username}, {@code uid}, {@code groups}, {@code extra}). Compile errors read as
 * kube's ({@code compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' ...}, {@code must evaluate to
 * bool}); each evaluation may cost at most {@link #PER_CALL_LIMIT}. Thread-safe.
 */
public final class ClaimsCel {

    /** kube's runtime cost limit for one authentication expression. */
    static final long PER_CALL_LIMIT = 1_000_000L;
    static final String CLAIMS = "claims";
    static final String USER = "user";

    private static final CelOptions OPTIONS = CelOptions.current().enableOptionalSyntax(true).build();
    private static final HomogeneousLiteralValidator HOMOGENEOUS = HomogeneousLiteralValidator.newInstance("format");
    private static final StructType USER_INFO = StructType.create("kubernetes.UserInfo",
            ImmutableSet.of("username", "uid", "groups", "extra"), field -> Optional.ofNullable(switch (field) {
                case "username", "uid" -> SimpleType.STRING;
                case "groups" -> ListType.create(SimpleType.STRING);
                case "extra" -> MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING));
                default -> null;
            }));
    private static final Cel CLAIMS_ENV = environment(CLAIMS, MapType.create(SimpleType.STRING, SimpleType.DYN));
    private static final Cel USER_ENV = environment(USER, USER_INFO);

    /** A compiled expression, and whether it reads {@code claims.<field>} for the fields asked about. */
    public record Compiled(String expression, CelRuntime.Program program, CelAbstractSyntaxTree ast) {

        /** Whether the expression selects {@code claims.<field>} or {@code claims.?<field>} anywhere. */
        public boolean selectsClaim(String field) {
            return CelNavigableAst.fromAst(ast).getRoot().allNodes().map(CelNavigableExpr::expr)
                    .anyMatch(e -> selects(e, field));
        }
    }

    /** An evaluation that failed: {@code expression '<e>' resulted in error: <why>}. */
    public static final class EvaluationError extends Exception {
        EvaluationError(String message) {
            super(message, null, false, false);
        }
    }

    private ClaimsCel() {
    }

    /**
     * Compiles an expression over {@code claims} ({@code user} when {@code overUser}); with {@code bool} its type must
     * be bool.
     *
     * @throws IllegalArgumentException with kube's detail ({@code compilation failed: ...},
     *                                  {@code must evaluate to bool})
     */
    public static Compiled compile(String expression, boolean overUser, boolean bool) {
        Cel cel = overUser ? USER_ENV : CLAIMS_ENV;
        CelValidationResult parsed = cel.parse(expression);
        if (parsed.hasError()) {
            throw new IllegalArgumentException("compilation failed: " + CelErrors.parseIssues(parsed));
        }
        try {
            CelValidationResult checked = cel.check(parsed.getAst());
            if (checked.hasError()) {
                throw new IllegalArgumentException("compilation failed: " + CelErrors.checkIssues(checked));
            }
            CelAbstractSyntaxTree ast = checked.getAst();
            CelValidationResult validated = CelValidatorFactory.standardCelValidatorBuilder(cel)
                    .addAstValidators(HOMOGENEOUS).build().validate(ast);
            if (validated.hasError()) {
                throw new IllegalArgumentException("compilation failed: " + CelErrors.issues(validated));
            }
            if (bool && !ast.getResultType().equals(SimpleType.BOOL)) {
                throw new IllegalArgumentException("must evaluate to bool");
            }
            return new Compiled(expression, cel.createProgram(ast), ast);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("compilation failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // never a crash of the start: a field error like any other
            throw new IllegalArgumentException("compilation failed: " + e, e);
        }
    }

    /** Evaluates {@code compiled} with the one variable its environment has. */
    public static Object evaluate(Compiled compiled, Map<String, Object> variables) throws EvaluationError {
        try {
            return new RuntimeCost(() -> PER_CALL_LIMIT, c -> new CostLimit()).trace(compiled.program(), variables);
        } catch (CostLimit c) {
            throw failed(compiled, "operation cancelled: actual cost limit exceeded");
        } catch (CelEvaluationException e) {
            throw failed(compiled, CelErrors.runtime(e));
        }
    }

    private static EvaluationError failed(Compiled compiled, String why) {
        return new EvaluationError("expression '" + compiled.expression() + "' resulted in error: " + why);
    }

    private static boolean selects(CelExpr e, String field) {
        if (e.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            CelExpr.CelSelect s = e.select();
            return s.field().equals(field) && isClaims(s.operand());
        }
        if (e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("_?._")
                && e.call().args().size() == 2) {
            CelExpr key = e.call().args().get(1);
            return isClaims(e.call().args().get(0)) && key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                    && key.constant().getKind() == CelConstant.Kind.STRING_VALUE
                    && key.constant().stringValue().equals(field);
        }
        return false;
    }

    private static boolean isClaims(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals(CLAIMS);
    }

    private static Cel environment(String variable, CelType type) {
        return KubeLibraries.addTo(CelFactory.standardCelBuilder().setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS).setTypeProvider(new Types())
                .addVar(variable, type), OPTIONS).build();
    }

    private static final class Types implements CelTypeProvider {
        @Override
        public ImmutableCollection<CelType> types() {
            return ImmutableList.of(USER_INFO);
        }

        @Override
        public Optional<CelType> findType(String typeName) {
            return USER_INFO.name().equals(typeName) ? Optional.of(USER_INFO) : Optional.empty();
        }
    }

    /** One expression over {@link #PER_CALL_LIMIT}. */
    private static final class CostLimit extends RuntimeException {
        CostLimit() {
            super(null, null, false, false);
        }
    }
}
