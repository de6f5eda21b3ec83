package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Boolean, integer and duration flags read as pflag reads them: Go's spellings taken (and handed on in their plain
 * form), anything else refused with pflag's one line.
 */
class FlagValuesTest {

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    @Test
    void booleansAsGoParsesThem() {
        for (String t : new String[] {"1", "t", "T", "TRUE", "true", "True"}) {
            assertThat(FlagValues.parseBool("watch-cache", t)).as(t).isTrue();
        }
        for (String f : new String[] {"0", "f", "F", "FALSE", "false", "False"}) {
            assertThat(FlagValues.parseBool("watch-cache", f)).as(f).isFalse();
        }
        for (String bad : new String[] {"yes", "on", "tRUE", "", " true"}) {
            assertThatThrownBy(() -> FlagValues.parseBool("anonymous-auth", bad)).as(bad)
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("invalid argument \"" + bad + "\" for \"--anonymous-auth\" flag: strconv.ParseBool: "
                            + "parsing \"" + bad + "\": invalid syntax");
        }
    }

    @Test
    void integersAsGoParsesThemWithBaseZero() {
        Map<String, Long> ok = Map.of("42", 42L, "-7", -7L, "+7", 7L, "0", 0L, "0x1F", 31L, "0X1f", 31L, "017", 15L,
                "0o17", 15L, "0b101", 5L, "1_000", 1000L);
        ok.forEach((v, n) -> assertThat(FlagValues.parseInt("max-requests-inflight", v, INT_MIN, INT_MAX))
                .as(v).isEqualTo(BigInteger.valueOf(n)));
        for (String bad : new String[] {"abc", "", "1.5", "0x", "08", "_1", "1_", "1__0", "0x_", " 5", "١٢"}) {
            assertThatThrownBy(() -> FlagValues.parseInt("max-requests-inflight", bad, INT_MIN, INT_MAX)).as(bad)
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("invalid argument \"" + bad + "\" for \"--max-requests-inflight\" flag: "
                            + "strconv.ParseInt: parsing \"" + bad + "\": invalid syntax");
        }
        assertThatThrownBy(() -> FlagValues.parseInt("secure-port", "99999999999", INT_MIN, INT_MAX))
                .hasMessage("invalid argument \"99999999999\" for \"--secure-port\" flag: strconv.ParseInt: parsing "
                        + "\"99999999999\": value out of range");
        // Go reads the digits in order: 64 bits overflowed before the bad character or the stray underscore
        for (String big : new String[] {"99999999999999999999999x", "0x1ffffffffffffffffz", "9__99999999999999999999"}) {
            assertThatThrownBy(() -> FlagValues.parseInt("secure-port", big, INT_MIN, INT_MAX)).as(big)
                    .hasMessageEndingWith("strconv.ParseInt: parsing \"" + big + "\": value out of range");
        }
        assertThatThrownBy(() -> FlagValues.parseInt("secure-port", "99x", INT_MIN, INT_MAX))
                .hasMessageEndingWith("invalid syntax");
    }

    /** A file's {@code flag: ""} leaves the flag at its default, as the example configuration writes it. */
    @Test
    void float32sAsGoParsesThem() {
        assertThat(FlagValues.parseFloat32("audit-webhook-batch-throttle-qps", "1.5")).isEqualTo(1.5);
        assertThat(FlagValues.parseFloat32("audit-webhook-batch-throttle-qps", ".5e1")).isEqualTo(5.0);
        assertThat(FlagValues.parseFloat32("audit-webhook-batch-throttle-qps", "+Inf")).isInfinite();
        assertThatThrownBy(() -> FlagValues.parseFloat32("audit-webhook-batch-throttle-qps", "ten"))
                .hasMessage("invalid argument \"ten\" for \"--audit-webhook-batch-throttle-qps\" flag: "
                        + "strconv.ParseFloat: parsing \"ten\": invalid syntax");
        assertThatThrownBy(() -> FlagValues.parseFloat32("audit-webhook-batch-throttle-qps", "1e39"))
                .hasMessageEndingWith("strconv.ParseFloat: parsing \"1e39\": value out of range");
    }

    @Test
    void blankValuesAreUnset() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("flags", Map.of(
                "service-account-max-token-expiration", "", "leader-elect", " ", "secure-port", "")));
        new FlagValues().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("service-account-max-token-expiration")).isEmpty();
        assertThat(env.getProperty("leader-elect")).isEqualTo(" ");
    }

    @Test
    void portsAddressesAndPlaceholdersSayWhatIsWrongInOneLine() {
        assertThatThrownBy(() -> process(Map.of("secure-port", "70000"))).isInstanceOf(StartupFailure.class)
                .hasMessage("--secure-port 70000 must be between 1 and 65535, inclusive (0 listens on a free port)");
        assertThatThrownBy(() -> process(Map.of("secure-port", "-1"))).isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("--secure-port -1 must be between 1 and 65535");
        assertThatThrownBy(() -> process(Map.of("bind-address", "foo"))).isInstanceOf(StartupFailure.class)
                .hasMessage("invalid argument \"foo\" for \"--bind-address\" flag: failed to parse IP: \"foo\"");
        assertThatThrownBy(() -> process(Map.of("advertise-address", "010.0.0.1")))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("failed to parse IP");
        assertThatThrownBy(() -> process(Map.of("secure-port", "${NOT_SET_ANYWHERE}")))
                .isInstanceOf(StartupFailure.class).hasMessageStartingWith("--secure-port: ")
                .hasMessageContaining("NOT_SET_ANYWHERE");
        for (String ip : new String[] {"0.0.0.0", "127.0.0.1", "::", "::1", "fd00::10", "::ffff:10.0.0.1"}) {
            assertThat(FlagValues.isIp(ip)).as(ip).isTrue();
        }
        for (String notIp : new String[] {"localhost", "256.0.0.1", "1.2.3", "1.2.3.4.5", "fd00::g", "01.2.3.4"}) {
            assertThat(FlagValues.isIp(notIp)).as(notIp).isFalse();
        }
    }

    private static void process(Map<String, Object> flags) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("flags", flags));
        new FlagValues().postProcessEnvironment(env, new SpringApplication());
    }

    @Test
    void theEnvironmentGetsThePlainFormsAndABadDurationStopsTheStart() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("flags", Map.of("anonymous-auth", "F",
                "max-requests-inflight", "0x10", "default-not-ready-toleration-seconds", "017",
                "request-timeout", "1m30s")));
        new FlagValues().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("anonymous-auth", Boolean.class)).isFalse();
        assertThat(env.getProperty("max-requests-inflight", Integer.class)).isEqualTo(16);
        assertThat(env.getProperty("default-not-ready-toleration-seconds", Long.class)).isEqualTo(15L);
        assertThat(env.getProperty("request-timeout")).isEqualTo("1m30s");

        StandardEnvironment bad = new StandardEnvironment();
        bad.getPropertySources().addFirst(new MapPropertySource("flags", Map.of("shutdown-delay-duration", "abc")));
        assertThatThrownBy(() -> new FlagValues().postProcessEnvironment(bad, new SpringApplication()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("invalid argument \"abc\" for \"--shutdown-delay-duration\" flag: time: invalid duration "
                        + "\"abc\"");
    }
}
