package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.StatusError;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Base64 checks for the {@code []byte} maps of Secrets and ConfigMaps ({@code data}, {@code binaryData}), which
 * fabric8 models as strings. kube-apiserver fails to decode such a body with a 400:
 * {@code Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4}; the byte
 * position follows Go's {@code encoding/base64} (standard alphabet, padding required, CR/LF ignored).
 */
public final class Base64Data {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private Base64Data() {
    }

    /** Throws the 400 kube returns when a value of {@code data} is not valid base64. */
    static void check(String kind, Map<String, String> data) {
        if (data == null) {
            return;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
            int bad = firstError(e.getValue() == null ? "" : e.getValue());
            if (bad >= 0) {
                throw StatusError.badRequest(kind + " in version \"v1\" cannot be handled as a " + kind
                        + ": illegal base64 data at input byte " + bad);
            }
        }
    }

    /** Decoded size in bytes of a valid value. */
    static int decodedLength(String value) {
        return value == null ? 0 : Base64.getMimeDecoder().decode(value).length;
    }

    static String encode(String plain) {
        return Base64.getEncoder().encodeToString(plain == null ? new byte[0] : plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The byte index Go's decoder reports, or -1 when {@code s} is valid. */
    public static int firstError(String s) {
        int i = 0;
        int n = s.length();
        while (true) {
            int quantumStart = -1;
            int j = 0;
            while (j < 4) {
                while (i < n && (s.charAt(i) == '\r' || s.charAt(i) == '\n')) {
                    i++;
                }
                if (i == n) {
                    if (j == 0) {
                        return -1;
                    }
                    return quantumStart;
                }
                if (j == 0) {
                    quantumStart = i;
                }
                char c = s.charAt(i);
                if (c == '=') {
                    if (j < 2) {
                        return i;
                    }
                    // expect "==" for j == 2, "=" for j == 3, then the end of input
                    int k = i + 1;
                    if (j == 2) {
                        while (k < n && (s.charAt(k) == '\r' || s.charAt(k) == '\n')) {
                            k++;
                        }
                        if (k == n) {
                            return n;
                        }
                        if (s.charAt(k) != '=') {
                            return k - 1;
                        }
                        k++;
                    }
                    while (k < n && (s.charAt(k) == '\r' || s.charAt(k) == '\n')) {
                        k++;
                    }
                    return k < n ? k : -1;
                }
                if (ALPHABET.indexOf(c) < 0) {
                    return i;
                }
                i++;
                j++;
            }
        }
    }
}
