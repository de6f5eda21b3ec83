package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.runOnSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kube's semver library: the examples of semverlib.go, each as a rule that must hold. */
class CelSemverLibraryTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "isSemver('1.0.0') && isSemver('0.1.0-alpha.1') && !isSemver('hello') && !isSemver('v1.0')",
            "!isSemver('200K') && !isSemver('Three') && !isSemver('Mi') && !isSemver('01.1.1') && !isSemver('1.0.0-01')",
            "isSemver('1.0.0-rc.1+build.5') && !isSemver('1.0.0+') && !isSemver('1.0.0-') && !isSemver('1.0.0-a_b') && !isSemver('')",
            "isSemver('v1.0', true) && isSemver('1.0', true) && isSemver('01.01.01', true) && !isSemver('1-rc', true)",
            "isSemver(self.version) && semver(self.version).minor() == 31",
            "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
            "semver('v1.0.0', true) == semver('1.0.0') && semver('1.0', true) == semver('1.0.0') && semver('01.01.01', true) == semver('1.1.1')",
            "semver('1', true) == semver('1.0.0') && semver('v1.2.03-rc.1', true) == semver('1.2.3-rc.1')",
            "semver('1.2.3').compareTo(semver('1.2.3')) == 0 && semver('1.2.3').compareTo(semver('2.0.0')) == -1 && semver('1.2.3').compareTo(semver('0.1.2')) == 1",
            "semver('1.2.3').isLessThan(semver('1.10.0')) && semver('2.0.0').isGreaterThan(semver('1.99.99')) && !semver('1.0.0').isLessThan(semver('1.0.0'))",
            // precedence as semver.org: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
            "semver('1.0.0-alpha').isLessThan(semver('1.0.0-alpha.1')) && semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))",
            "semver('1.0.0-alpha.beta').isLessThan(semver('1.0.0-beta')) && semver('1.0.0-beta.2').isLessThan(semver('1.0.0-beta.11'))",
            "semver('1.0.0-rc.1').isLessThan(semver('1.0.0')) && semver('1.0.0').isGreaterThan(semver('1.0.0-rc.1'))",
            // == compares precedence: build metadata does not count
            "semver('1.0.0+build.1') == semver('1.0.0+build.2') && semver('1.0.0') != semver('1.0.1') && semver('1.0.0-rc.1') != semver('1.0.0')"})
    void functionHolds(String rule) {
        assertThat(run(rule)).isEmpty();
        assertThat(run("!(" + rule + ")")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "semver('200K').major() == 1 => No Major.Minor.Patch elements found",
            "semver('').major() == 1 => Version string empty",
            "semver('v1.0.0').major() == 1 => Invalid character(s) found in major number \"v1\"",
            "semver('1.02.0').major() == 1 => Minor number must not contain leading zeroes \"02\"",
            "semver('1.2.x').major() == 1 => Invalid character(s) found in patch number \"x\"",
            "semver('1.2.3-01').major() == 1 => Numeric PreRelease version must not contain leading zeroes \"01\"",
            "semver('1.2.3-a..b').major() == 1 => Prerelease is empty",
            "semver('1.2.3-a$').major() == 1 => Invalid character(s) found in prerelease \"a$\"",
            "semver('1.2.3+b_1').major() == 1 => Invalid character(s) found in build meta data \"b_1\"",
            "semver('1.2.').major() == 1 => strconv.ParseUint: parsing \"\": invalid syntax",
            "semver('1.2.99999999999999999999').major() == 1 => strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            "semver('1.0-rc', true).major() == 1 => short version cannot contain PreRelease/Build meta data"})
    void runtimeErrors(String ruleAndError) {
        String[] parts = ruleAndError.split(" => ");
        assertThat(run(parts[0])).containsExactly(
                "spec: Invalid value: \"object\": " + parts[1] + " evaluating rule: " + parts[0]);
    }

    private static List<String> run(String rule) {
        return runOnSpec("""
                version: {type: string, maxLength: 32}
                """, "{spec: {version: 1.31.2}}", rule);
    }

}
