package dev.kapi.apiserver.registry.validation;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Quantities as kube's validation sees them: the amount in base units (cores, bytes, objects) and the canonical
 * text that {@code resource.Quantity.String()} prints in messages, e.g. {@code 1.5} is {@code 1500m},
 * {@code 1024Mi} is {@code 1Gi}, {@code 1000} is {@code 1k}.
 */
public final class Quantities {

    private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);

    private Quantities() {
    }

    /** The amount in base units, or null when the text is not a quantity. */
    public static BigDecimal amount(Quantity q) {
        try {
            return q == null ? null : Quantity.getAmountInBytes(q);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** kube's canonical text of a quantity (its own text when it does not parse). */
    public static String canonical(Quantity q) {
        BigDecimal v = amount(q);
        if (v == null) {
            return String.valueOf(q);
        }
        if (v.signum() == 0) {
            return "0";
        }
        String format = q.getFormat() == null ? "" : q.getFormat();
        if (format.endsWith("i") && v.stripTrailingZeros().scale() <= 0) {
            BigInteger n = v.toBigIntegerExact();
            int k = 0;
            while (k < BINARY.length - 1 && n.mod(KI).signum() == 0) {
                n = n.divide(KI);
                k++;
            }
            return n + BINARY[k];
        }
        boolean exponent = format.startsWith("e") || format.startsWith("E");
        BigDecimal nanos = v.movePointRight(9).setScale(0, java.math.RoundingMode.UP);
        for (int i = DECIMAL.length - 1; i >= 0; i--) {
            BigDecimal scaled = nanos.movePointLeft(3 * i);
            if (scaled.stripTrailingZeros().scale() <= 0) {
                String digits = scaled.toBigIntegerExact().toString();
                int exp = 3 * (i - 3);
                return exponent ? digits + (exp == 0 ? "" : "e" + exp) : digits + DECIMAL[i];
            }
        }
        return nanos + "n";
    }

    /** The quantity as kube prints a {@code resource.Quantity} bad value: its canonical text, unquoted. */
    public static GoValues.Printed printed(Quantity q) {
        return new GoValues.Printed(canonical(q));
    }
}
