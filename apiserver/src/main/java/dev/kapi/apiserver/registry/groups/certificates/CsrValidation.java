package dev.kapi.apiserver.registry.groups.certificates;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube 1.32's CSR validation ({@code pkg/apis/certificates/validation}): a PEM PKCS#10 request with a valid
 * signature, usages from the known set without repeats, a signerName of the form {@code example.com/name}
 * (not the legacy one), expirationSeconds of at least 600, conditions of known status (Approved, Denied and
 * Failed only True; Approved and Denied exclusive) and a PEM certificate. Updates may not remove an Approved,
 * Denied or Failed condition; only {@code approval} may add or change Approved/Denied, only {@code status}
 * may set the certificate, once. What an old object already breaks is tolerated on its updates, as kube does.
 */
final class CsrValidation {

    static final String LEGACY_SIGNER = "kubernetes.io/legacy-unknown";
    static final String APPROVED = "Approved";
    static final String DENIED = "Denied";
    static final String FAILED = "Failed";
    /** kube's allValidUsages, sorted as its error lists them. */
    static final List<String> USAGES = List.of("any", "cert sign", "client auth", "code signing",
            "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature",
            "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement",
            "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing",
            "timestamping");
    private static final Set<String> TRUE_ONLY = Set.of(APPROVED, DENIED, FAILED);
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_PATH = 253 + 63 + 1;

    /** Which writes this path may make (the subresource) and what the stored object already breaks. */
    record Options(boolean settingApproval, boolean settingCertificate, CertificateSigningRequest old) {
    }

    private CsrValidation() {
    }

    static List<FieldError> validate(CertificateSigningRequest csr, Options o) {
        List<FieldError> errs = new ArrayList<>();
        var spec = csr.getSpec();
        byte[] request = decode(spec.getRequest());
        String bad = CsrPem.checkRequest(request);
        if (bad != null) {
            errs.add(FieldError.invalid("spec.request", new String(request, java.nio.charset.StandardCharsets.UTF_8), bad));
        }
        List<String> usages = spec.getUsages() == null ? List.of() : spec.getUsages();
        if (usages.isEmpty()) {
            errs.add(FieldError.required("spec.usages", ""));
        }
        boolean oldUnknown = o.old() != null && nonNull(o.old().getSpec().getUsages()).stream().anyMatch(u -> !USAGES.contains(u));
        boolean oldDuplicates = o.old() != null && hasDuplicates(nonNull(o.old().getSpec().getUsages()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < usages.size(); i++) {
            if (!oldUnknown && !USAGES.contains(usages.get(i))) {
                errs.add(FieldError.notSupported("spec.usages[" + i + "]", usages.get(i), USAGES));
            }
            if (!seen.add(usages.get(i)) && !oldDuplicates) {
                errs.add(FieldError.duplicate("spec.usages[" + i + "]", usages.get(i)));
            }
        }
        String signer = Objects.toString(spec.getSignerName(), "");
        boolean oldLegacy = o.old() != null && LEGACY_SIGNER.equals(o.old().getSpec().getSignerName());
        if (LEGACY_SIGNER.equals(signer) && !oldLegacy) {
            errs.add(FieldError.invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version"));
        } else {
            signerName(signer, errs);
        }
        if (spec.getExpirationSeconds() != null && spec.getExpirationSeconds() < 600) {
            errs.add(FieldError.invalid("spec.expirationSeconds", spec.getExpirationSeconds(),
                    "may not specify a duration less than 600 seconds (10 minutes)"));
        }
        conditions(csr, o, errs);
        String certificate = csr.getStatus() == null ? null : csr.getStatus().getCertificate();
        if (!arbitraryCertificateAllowed(certificate, o.old())) {
            String certBad = CsrPem.checkCertificate(decode(certificate));
            if (certBad != null) {
                errs.add(FieldError.invalid("status.certificate", "<certificate data>", certBad));
            }
        }
        return errs;
    }

    /** {@code validateCertificateSigningRequestUpdate}: the object's checks, then what an update may not do. */
    static List<FieldError> validateUpdate(CertificateSigningRequest csr, CertificateSigningRequest old, Options o) {
        List<FieldError> errs = validate(csr, o);
        for (String t : List.of(APPROVED, DENIED, FAILED)) {
            if (find(csr, t).size() < find(old, t).size()) {
                errs.add(FieldError.forbidden("status.conditions", "updates may not remove a condition of type \"" + t + "\""));
            }
        }
        if (!o.settingApproval()) {
            for (String t : List.of(APPROVED, DENIED)) {
                List<CertificateSigningRequestCondition> before = find(old, t);
                List<CertificateSigningRequestCondition> now = find(csr, t);
                if (now.size() > before.size()) {
                    errs.add(FieldError.forbidden("status.conditions", "updates may not add a condition of type \"" + t + "\""));
                } else if (now.size() == before.size() && !Json.sameJson(now, before)) {
                    errs.add(FieldError.forbidden("status.conditions", "updates may not modify a condition of type \"" + t + "\""));
                }
            }
        }
        String cert = certificate(csr);
        String oldCert = certificate(old);
        if (!Objects.equals(cert, oldCert)) {
            if (!o.settingCertificate()) {
                errs.add(FieldError.forbidden("status.certificate", "updates may not set certificate content"));
            } else if (!oldCert.isEmpty()) {
                errs.add(FieldError.forbidden("status.certificate", "updates may not modify existing certificate content"));
            }
        }
        return errs;
    }

    private static void conditions(CertificateSigningRequest csr, Options o, List<FieldError> errs) {
        List<CertificateSigningRequestCondition> cs = csr.getStatus() == null ? List.of() : nonNull(csr.getStatus().getConditions());
        List<CertificateSigningRequestCondition> oldCs = o.old() == null || o.old().getStatus() == null ? List.of()
                : nonNull(o.old().getStatus().getConditions());
        boolean allowEmptyType = oldCs.stream().anyMatch(c -> Objects.toString(c.getType(), "").isEmpty());
        boolean allowDuplicates = hasDuplicates(oldCs.stream().map(c -> Objects.toString(c.getType(), "")).toList());
        boolean allowBoth = !find(o.old(), APPROVED).isEmpty() && !find(o.old(), DENIED).isEmpty();
        Set<String> seen = new HashSet<>();
        boolean approved = false;
        boolean denied = false;
        for (int i = 0; i < cs.size(); i++) {
            String path = "status.conditions[" + i + "]";
            String type = Objects.toString(cs.get(i).getType(), "");
            String status = Objects.toString(cs.get(i).getStatus(), "");
            if (type.isEmpty() && !allowEmptyType) {
                errs.add(FieldError.required(path + ".type", ""));
            }
            List<String> allowed = TRUE_ONLY.contains(type) ? List.of("True") : List.of("False", "True", "Unknown");
            if (status.isEmpty()) {
                errs.add(FieldError.required(path + ".status", ""));
            } else if (!allowed.contains(status)) {
                errs.add(FieldError.notSupported(path + ".status", status, allowed));
            }
            if (!allowBoth) {
                if (type.equals(APPROVED)) {
                    approved = true;
                    if (denied) {
                        errs.add(FieldError.invalid(path + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                    }
                } else if (type.equals(DENIED)) {
                    denied = true;
                    if (approved) {
                        errs.add(FieldError.invalid(path + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                    }
                }
            }
            if (!allowDuplicates && !seen.add(type)) {
                errs.add(FieldError.duplicate(path + ".type", type));
            }
        }
    }

    /** kube's {@code ValidateSignerName}: {@code <domain of two or more DNS labels>/<path segment>}. */
    private static void signerName(String signer, List<FieldError> errs) {
        String path = "spec.signerName";
        if (signer.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        String[] segments = signer.split("/", -1);
        if (segments.length != 2) {
            errs.add(FieldError.invalid(path, signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
            return;
        }
        String domain = segments[0];
        if (domain.length() > MAX_DOMAIN) {
            errs.add(FieldError.tooLong(path, domain, MAX_DOMAIN));
        }
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            List<String> msgs = NameValidation.dns1123Label(label);
            if (!msgs.isEmpty()) {
                msgs.forEach(m -> errs.add(FieldError.invalid(path, domain, "validating label \"" + label + "\": " + m)));
                break;
            }
        }
        if (labels.length < 2) {
            errs.add(FieldError.invalid(path, domain, "should be a domain with at least two segments separated by dots"));
        }
        String name = segments[1];
        if (name.length() > MAX_PATH) {
            errs.add(FieldError.tooLong(path, name, MAX_PATH));
        }
        for (String m : NameValidation.pathSegmentName(name)) {
            errs.add(FieldError.invalid(path, name, "validating path segment: " + m));
        }
    }

    private static boolean arbitraryCertificateAllowed(String certificate, CertificateSigningRequest old) {
        if (old == null) {
            return false;
        }
        return Objects.equals(Objects.toString(certificate, ""), certificate(old))
                || CsrPem.checkCertificate(decode(certificate(old))) != null;
    }

    static List<CertificateSigningRequestCondition> find(CertificateSigningRequest csr, String type) {
        if (csr == null || csr.getStatus() == null) {
            return List.of();
        }
        return nonNull(csr.getStatus().getConditions()).stream().filter(c -> type.equals(c.getType())).toList();
    }

    static String certificate(CertificateSigningRequest csr) {
        return csr.getStatus() == null ? "" : Objects.toString(csr.getStatus().getCertificate(), "");
    }

    static byte[] decode(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return new byte[0];
        }
        return Base64.getMimeDecoder().decode(base64);
    }

    private static boolean hasDuplicates(List<String> values) {
        return new HashSet<>(values).size() < values.size();
    }

    private static <E> List<E> nonNull(List<E> l) {
        return l == null ? List.of() : l;
    }
}
