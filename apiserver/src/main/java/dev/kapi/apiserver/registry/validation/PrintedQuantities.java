package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.Quantities;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;

/**
 * Quantities as kube's validation sees them ({@link Quantities} parses and prints): the amount in base units
 * (cores, bytes, objects) and the text {@code resource.Quantity.String()} prints in messages, e.g. {@code 1.5} is
 * {@code 1500m}, {@code 1024Mi} is {@code 1Gi}, {@code 1000} is {@code 1k}.
 */
public final class PrintedQuantities {

    private PrintedQuantities() {
    }

    /** The amount in base units, or null when the text is not a quantity. */
    public static BigDecimal amount(Quantity q) {
        Quantities.Parsed parsed = q == null ? null : Quantities.parse(String.valueOf(q));
        return parsed == null ? null : parsed.value();
    }

    /** kube's text of a quantity ({@code Quantity.String()}; its own text when it does not parse). */
    public static String canonical(Quantity q) {
        return Quantities.canonical(String.valueOf(q));
    }

    /** The quantity as kube prints a {@code resource.Quantity} bad value: its canonical text, unquoted. */
    public static GoValues.Printed printed(Quantity q) {
        return new GoValues.Printed(canonical(q));
    }
}
