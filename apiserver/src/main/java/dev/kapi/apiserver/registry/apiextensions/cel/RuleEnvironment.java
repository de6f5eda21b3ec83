package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OptionalType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.kapi.apiserver.cel.KubeLibraries;
import java.util.regex.Pattern;

/**
 * The CEL environment of the rules on one schema node, as kube's: {@code self} (and {@code oldSelf}, an
 * {@code optional} of the same type for {@code optionalOldSelf} rules) typed by the schema, the standard
 * library and macros, optional types, the strings (with {@code format}) and sets extensions, and kube's lists,
 * regex, URL, quantity, IP, CIDR and semver libraries. Compile errors read as cel-go's
 * ({@code ERROR: <input>:1:6: ...}).
 */
final class RuleEnvironment {

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableOptionalSyntax(true)
            .build();
    private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: [^\\n]*\\)");
    private static final Pattern LOCATION = Pattern.compile("^(ERROR: <input>:\\d+:\\d+: )", Pattern.MULTILINE);

    private final Cel cel;
    /** Homogeneous list and map literals, as cel-go's validator: the arguments of {@code format} are exempt. */
    private final CelValidator homogeneous;

    RuleEnvironment(RuleTypes types, CelType self, boolean optionalOldSelf) {
        this.cel = KubeLibraries.addTo(CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addVar("self", self)
                .addVar("oldSelf", optionalOldSelf ? OptionalType.create(self) : self), OPTIONS)
                .build();
        this.homogeneous = CelValidatorFactory.standardCelValidatorBuilder(cel)
                .addAstValidators(HomogeneousLiteralValidator.newInstance("format"))
                .build();
    }

    Cel cel() {
        return cel;
    }

    /** The checked AST, or throws with cel-go's rendering of the issues as the message. */
    CelAbstractSyntaxTree compile(String expression) throws CompileException {
        CelValidationResult parsed = cel.parse(expression);
        if (parsed.hasError()) {
            throw new CompileException(LOCATION.matcher(issues(parsed)).replaceAll("$1Syntax error: "));
        }
        try {
            CelValidationResult checked = cel.check(parsed.getAst());
            if (checked.hasError()) {
                throw new CompileException(CANDIDATES.matcher(issues(checked)).replaceAll(""));
            }
            CelValidationResult validated = homogeneous.validate(checked.getAst());
            if (validated.hasError()) {
                throw new CompileException(issues(validated));
            }
            return checked.getAst();
        } catch (CelValidationException e) {
            throw new CompileException(e.getMessage());
        }
    }

    private static String issues(CelValidationResult r) {
        try {
            r.getAst();
            return "";
        } catch (CelValidationException e) {
            return e.getMessage();
        }
    }

    /** A rule or message expression that does not compile, with the issues as cel-go prints them. */
    static final class CompileException extends Exception {
        CompileException(String message) {
            super(message, null, false, false);
        }
    }
}
