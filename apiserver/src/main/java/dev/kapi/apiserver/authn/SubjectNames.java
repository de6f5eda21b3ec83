package dev.kapi.apiserver.authn;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of one attribute type in an X.500 name, in order, as Go's {@code pkix.Name} reads them: every
 * attribute of every relative name, so a multi-valued entry such as {@code CN=x+O=system:masters} yields its
 * {@code O} too (BouncyCastle's {@code RDN.getFirst} would give the entry's first attribute, whatever its type).
 */
public final class SubjectNames {

    private SubjectNames() {
    }

    public static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (type.equals(attribute.getType())) {
                    out.add(attribute.getValue() instanceof ASN1String s ? s.getString()
                            : attribute.getValue().toString());
                }
            }
        }
        return out;
    }
}
