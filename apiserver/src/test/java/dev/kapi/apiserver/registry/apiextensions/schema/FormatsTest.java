package dev.kapi.apiserver.registry.apiextensions.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "int32|99999999999|", "int64|x|", "float|x|", "double|x|", "foo|anything|",
            "date|2024-02-29|true", "date|2023-02-29|false", "date|2024-1-01|false",
            "date-time|2024-02-29T10:11:12Z|true", "date-time|2024-02-29T10:11:12.123+02:00|true", "datetime|2024-02-29|false",
            "duration|1h30m|true", "duration|3 days|true", "duration|soon|false",
            "byte|aGVsbG8=|true", "byte|aGVsbG8|false",
            "uri|http://example.com/a?b=c|true", "uri|http://%zz|false",
            "email|a@example.com|true", "email|not-an-email|false",
            "hostname|my-host.example.com|true", "hostname|-bad-|false",
            "ipv4|10.0.0.1|true", "ipv4|10.0.0.256|false", "ipv4|10.0.0|false",
            "ipv6|::1|true", "ipv6|fe80::1:2|true", "ipv6|10.0.0.1|false",
            "cidr|10.0.0.0/8|true", "cidr|fd00::/64|true", "cidr|10.0.0.0/33|false", "cidr|10.0.0.0|false",
            "mac|01:23:45:67:89:ab|true", "mac|0123.4567.89ab|true", "mac|01:23:45|false",
            "uuid|123e4567-e89b-12d3-a456-426614174000|true", "uuid|123e4567|false",
            "uuid3|a3bb189e-8bf9-3888-9912-ace4e6543002|true", "uuid3|123e4567-e89b-12d3-a456-426614174000|false",
            "uuid4|110ec58a-a0f2-4ac4-8393-c866d813b8d1|true", "uuid4|110ec58a-a0f2-3ac4-8393-c866d813b8d1|false",
            "uuid5|74738ff5-5367-5958-9aee-98fffdcd1876|true", "uuid5|74738ff5-5367-4958-9aee-98fffdcd1876|false",
            "isbn|0-306-40615-2|true", "isbn|978-0-306-40615-7|true", "isbn10|0-306-40615-3|false", "isbn13|9780306406158|false",
            "creditcard|4111 1111 1111 1111|true", "creditcard|1234|false",
            "ssn|123-45-6789|true", "ssn|123456|false",
            "hexcolor|#fff|true", "hexcolor|#ffff|false",
            "rgbcolor|rgb(255, 0, 10)|true", "rgbcolor|rgb(256,0,0)|false",
            "password|anything|true", "bsonobjectid|507f1f77bcf86cd799439011|true", "bsonobjectid|507f|false"})
    void validatesKubesSupportedFormats(String format, String value, Boolean valid) {
        if (valid == null) {
            assertThat(Formats.effective(format)).as("dropped as kube drops it").isEmpty();
        } else {
            assertThat(Formats.effective(format)).isEqualTo(format);
            assertThat(Formats.valid(format, value)).isEqualTo(valid);
        }
    }
}
