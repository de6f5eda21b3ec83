package dev.kapi.apiserver.endpoints.decoding;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.testing.PlainJson;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link GoJson#MAPPER} refuses what Go's encoding/json refuses in kube's types, and {@link DecodeErrors}
 * words it as kube does (single quotes stand for double quotes).
 */
class DecodeErrorsTest {

    /** {@code error} null: the body decodes, and re-encodes as {@code encoded} (null: as sent). */
    record Case(String name, Class<?> type, String body, String error, String encoded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case err(String name, Class<?> type, String body, String error) {
        return new Case(name, type, body, error, null);
    }

    static Case ok(String name, Class<?> type, String body, String encoded) {
        return new Case(name, type, body, null, encoded);
    }

    static final String POD_SPEC = "{'spec':{'containers':[{'name':'c','image':'i',%s}]}}";

    static String container(String field) {
        return POD_SPEC.formatted(field);
    }

    static List<Case> cases() {
        Class<?> d = Deployment.class;
        Class<?> cm = ConfigMap.class;
        String quantityFormat = "quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        return List.of(
                // the example, and the other spellings of a wrong int32
                err("string replicas", d, "{'spec':{'replicas':'three'}}",
                        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("numeric string replicas", d, "{'spec':{'replicas':'3'}}",
                        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("float replicas", d, "{'spec':{'replicas':2.5}}",
                        "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("whole float replicas", d, "{'spec':{'replicas':2.0}}",
                        "json: cannot unmarshal number 2.0 into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("int32 overflow", d, "{'spec':{'replicas':3000000000}}",
                        "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("bool replicas", d, "{'spec':{'replicas':true}}",
                        "json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("object replicas", d, "{'spec':{'replicas':{}}}",
                        "json: cannot unmarshal object into Go struct field DeploymentSpec.spec.replicas of type int32"),
                err("int64 from string", Pod.class, "{'spec':{'activeDeadlineSeconds':'5'}}",
                        "json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64"),
                // strings are strings: no number or bool coercion
                err("number name", cm, "{'metadata':{'name':123}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"),
                err("bool name", cm, "{'metadata':{'name':true}}",
                        "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string"),
                err("array name", cm, "{'metadata':{'name':['a']}}",
                        "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.name of type string"),
                err("number in a map of strings (no map key in the path)", cm, "{'data':{'k':1}}",
                        "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"),
                err("number label", cm, "{'metadata':{'labels':{'a':1}}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
                err("string for a map", cm, "{'metadata':{'labels':'a=b'}}",
                        "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
                err("string bool", cm, "{'immutable':'true'}",
                        "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool"),
                err("number bool", cm, "{'immutable':1}",
                        "json: cannot unmarshal number into Go struct field ConfigMap.immutable of type bool"),
                err("string for a struct", d, "{'spec':'x'}",
                        "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"),
                err("empty string for a struct", d, "{'spec':''}",
                        "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"),
                err("array for a struct", d, "{'spec':[]}",
                        "json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec"),
                err("object for a list (no list index in the path)", Pod.class, "{'spec':{'containers':{}}}",
                        "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"),
                err("string in a list element", Pod.class, container("'ports':[{'containerPort':'80'}]"),
                        "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort "
                                + "of type int32"),
                err("number in a list of strings", cm, "{'metadata':{'finalizers':[1]}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string"),
                // IntOrString: int32 or string
                ok("IntOrString int", Service.class, "{'spec':{'ports':[{'port':80,'targetPort':8080}]}}", null),
                ok("IntOrString string", Service.class, "{'spec':{'ports':[{'port':80,'targetPort':'http'}]}}", null),
                err("IntOrString bool", Service.class, "{'spec':{'ports':[{'port':80,'targetPort':true}]}}",
                        "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"),
                err("IntOrString float", Service.class, "{'spec':{'ports':[{'port':80,'targetPort':80.5}]}}",
                        "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.targetPort "
                                + "of type int32"),
                err("IntOrString object", Service.class, "{'spec':{'ports':[{'port':80,'targetPort':{}}]}}",
                        "json: cannot unmarshal object into Go struct field ServicePort.spec.ports.targetPort of type int32"),
                // Quantity: string or number in kube's syntax
                ok("Quantity string", Pod.class, container("'resources':{'limits':{'cpu':'100m','memory':'1Gi'}}"),
                        null),
                ok("Quantity number", Pod.class, container("'resources':{'limits':{'cpu':2}}"),
                        container("'resources':{'limits':{'cpu':'2'}}")),
                ok("Quantity exponent", Pod.class, container("'resources':{'limits':{'cpu':'1e3'}}"), null),
                err("Quantity word", Pod.class, container("'resources':{'limits':{'cpu':'lots'}}"), quantityFormat),
                err("Quantity bool", Pod.class, container("'resources':{'limits':{'cpu':true}}"), quantityFormat),
                err("Quantity object", Pod.class, container("'resources':{'limits':{'cpu':{}}}"), quantityFormat),
                err("Quantity suffix", Pod.class, container("'resources':{'limits':{'cpu':'1Qi'}}"), quantityFormat),
                err("Quantity unknown suffix", Pod.class, container("'resources':{'limits':{'cpu':'1Ki1'}}"),
                        "unable to parse quantity's suffix"),
                err("Quantity bad exponent", Pod.class, container("'resources':{'limits':{'cpu':'1ee'}}"),
                        "unable to parse quantity's suffix"),
                // Kapi's own limit: a number of 100 digits or more would go uncounted by quota and limit ranges
                err("Quantity of 100 digits", Pod.class, container("'resources':{'limits':{'cpu':'5."
                        + "0".repeat(99) + "'}}"), "quantities may have at most 99 digits"),
                ok("Quantity of 99 digits", Pod.class, container("'resources':{'limits':{'cpu':'5."
                        + "0".repeat(98) + "'}}"), container("'resources':{'limits':{'cpu':'5'}}")),
                ok("Quantity whose scale overflows, left as sent", Pod.class,
                        container("'resources':{'limits':{'cpu':'100e2147483647'}}"), null),
                // metav1.Time and MicroTime: RFC 3339, kept in kube's form
                ok("Time", cm, "{'metadata':{'creationTimestamp':'2024-05-06T07:08:09Z'}}", null),
                ok("Time with offset and fraction", cm, "{'metadata':{'creationTimestamp':'2024-05-06T09:08:09.5+02:00'}}",
                        "{'metadata':{'creationTimestamp':'2024-05-06T07:08:09Z'}}"),
                ok("null Time", cm, "{'metadata':{'creationTimestamp':null}}", "{'metadata':{}}"),
                err("malformed Time", cm, "{'metadata':{'creationTimestamp':'yesterday'}}",
                        "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\""),
                err("date without time", cm, "{'metadata':{'creationTimestamp':'2024-05-06'}}",
                        "parsing time \"2024-05-06\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\""),
                err("empty Time", cm, "{'metadata':{'creationTimestamp':''}}",
                        "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"2006\""),
                err("month out of range", cm, "{'metadata':{'creationTimestamp':'2024-13-06T07:08:09Z'}}",
                        "parsing time \"2024-13-06T07:08:09Z\": month out of range"),
                err("day out of range", cm, "{'metadata':{'creationTimestamp':'2023-02-29T07:08:09Z'}}",
                        "parsing time \"2023-02-29T07:08:09Z\": day out of range"),
                err("extra text", cm, "{'metadata':{'creationTimestamp':'2024-05-06T07:08:09Zjunk'}}",
                        "parsing time \"2024-05-06T07:08:09Zjunk\": extra text: \"junk\""),
                err("number Time", cm, "{'metadata':{'creationTimestamp':5}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"),
                err("condition time in a list", d, "{'status':{'conditions':[{'type':'Available','lastUpdateTime':'x'}]}}",
                        "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\""),
                ok("MicroTime", Event.class, "{'eventTime':'2024-05-06T07:08:09.123456Z'}", null),
                err("MicroTime without micros", Event.class, "{'eventTime':'2024-05-06T07:08:09Z'}",
                        "parsing time \"2024-05-06T07:08:09Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse "
                                + "\"Z\" as \".000000\""),
                ok("Lease MicroTime", Lease.class, "{'spec':{'renewTime':'2024-05-06T07:08:09.123456Z'}}", null),
                err("Lease malformed MicroTime", Lease.class, "{'spec':{'renewTime':'soon'}}",
                        "parsing time \"soon\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"soon\" as \"2006\""),
                // null elements are Go's zero values, never Java nulls
                ok("null in a list of strings", cm, "{'metadata':{'finalizers':[null,'a']}}",
                        "{'metadata':{'finalizers':['','a']}}"),
                ok("null map value", cm, "{'data':{'k':null}}", "{'data':{'k':''}}"),
                ok("null list element", Pod.class, "{'spec':{'containers':[null]}}", "{'spec':{'containers':[{}]}}"),
                err("DeleteOptions gracePeriodSeconds", DeleteOptions.class, "{'gracePeriodSeconds':'abc'}",
                        "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesAsGo(Case c) {
        String body = c.body().replace('\'', '"');
        JsonNode tree = GoJson.MAPPER.readTree(body);
        for (boolean fromTree : new boolean[]{true, false}) {
            try {
                Object obj = fromTree ? GoJson.MAPPER.treeToValue(tree, c.type()) : GoJson.MAPPER.readValue(body, c.type());
                if (c.error() != null) {
                    fail("decoded, expected " + c.error() + ": " + Json.string(obj));
                }
                JsonNode encoded = PlainJson.tree(obj); // what was read, not Go's zero-value shape
                ((tools.jackson.databind.node.ObjectNode) encoded).remove(List.of("apiVersion", "kind"));
                String expected = c.encoded() == null ? body : c.encoded().replace('\'', '"');
                assertThat(encoded).isEqualTo(Json.MAPPER.readTree(expected));
            } catch (JacksonException e) {
                assertThat(c.error()).as("unexpected failure " + e).isNotNull();
                assertThat(DecodeErrors.message(e, tree)).isEqualTo(c.error());
            }
        }
    }
}
