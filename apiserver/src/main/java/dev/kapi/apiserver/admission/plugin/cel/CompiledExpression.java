package dev.kapi.apiserver.admission.plugin.cel;

import dev.cel.common.types.CelType;
import dev.cel.runtime.CelRuntime;

/**
 * One compiled expression (kube's {@code CompilationResult}): its program, or the error that kept it from
 * compiling in kube's words ({@code compilation failed: ERROR: <input>:1:8: undefined field 'nme' ...},
 * {@code must evaluate to bool but got int}). A variable has its name. Evaluating an expression that did not
 * compile is an error, not an exception: {@code compilation error: <error>}.
 */
public record CompiledExpression(String name, String expression, CelRuntime.Program program, String error,
                                 CelType outputType) {

    public boolean compiled() {
        return error == null;
    }
}
