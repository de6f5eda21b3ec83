package dev.kapi.apiserver.authn;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Multi-valued relative names are read attribute by attribute, as Go's pkix.Name reads them. */
class SubjectNamesTest {

    @Test
    void readsEveryAttributeOfTheTypeInOrder() {
        X500Name name = new X500Name("CN=x+O=system:masters,O=dev,OU=ops");
        assertThat(SubjectNames.values(name, BCStyle.O)).containsExactly("system:masters", "dev");
        assertThat(SubjectNames.values(name, BCStyle.CN)).containsExactly("x");
    }

    @Test
    void aMultiValuedEntryDoesNotLendItsFirstValueToAnotherType() {
        X500Name name = new X500Name("O=devs+CN=bob");
        assertThat(SubjectNames.values(name, BCStyle.CN)).containsExactly("bob");
        assertThat(SubjectNames.values(name, BCStyle.O)).containsExactly("devs");
    }
}
