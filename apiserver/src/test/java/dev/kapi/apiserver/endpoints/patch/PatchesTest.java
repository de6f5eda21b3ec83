package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.kapi.apiserver.endpoints.patch.PatchType.JSON_PATCH;
import static dev.kapi.apiserver.endpoints.patch.PatchType.MERGE;
import static dev.kapi.apiserver.endpoints.patch.PatchType.STRATEGIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table tests of {@link Patches#apply}: JSON patch, merge patch, strategic merge patch (kubectl cases). */
class PatchesTest {

    /** Single quotes stand for double quotes, to keep the JSON readable. */
    static String j(String s) {
        return s.replace('\'', '"');
    }

    static JsonNode tree(String s) {
        return Json.MAPPER.readTree(j(s));
    }

    static final String DEPLOY = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d',"
            + "'labels':{'app':'a','tier':'web'},'finalizers':['x/a','x/b']},"
            + "'spec':{'replicas':1,'template':{'spec':{'containers':["
            + "{'name':'app','image':'nginx:1','ports':[{'containerPort':80},{'containerPort':81}],"
            + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
            + "{'name':'side','image':'busybox'}]}}}}";

    static final String POD = "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a','image':'i1'},"
            + "{'name':'b','image':'i2'},{'name':'c','image':'i3'}],"
            + "'tolerations':[{'key':'k1'},{'key':'k2'}],"
            + "'volumes':[{'name':'v1','emptyDir':{}},{'name':'v2','configMap':{'name':'cm'}}]},"
            + "'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'Initialized','status':'True'}]}}";

    record Case(String name, PatchType type, Class<?> cls, String original, String patch, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // kubectl patch deploy d -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}}}'
                new Case("smp container image by name keeps other containers", STRATEGIC, Deployment.class, DEPLOY,
                        "{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'nginx:2'}]}}}}",
                        DEPLOY.replace("nginx:1", "nginx:2")),
                new Case("merge patch of the same replaces the list", MERGE, Deployment.class, DEPLOY,
                        "{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'nginx:2'}]}}}}",
                        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d',"
                                + "'labels':{'app':'a','tier':'web'},'finalizers':['x/a','x/b']},"
                                + "'spec':{'replicas':1,'template':{'spec':{'containers':["
                                + "{'name':'app','image':'nginx:2'}]}}}}"),
                new Case("smp label: set and null deletes", STRATEGIC, Deployment.class, DEPLOY,
                        "{'metadata':{'labels':{'tier':null,'new':'v'}}}",
                        DEPLOY.replace("'tier':'web'", "'new':'v'")),
                new Case("merge patch annotate creates map", MERGE, Deployment.class, DEPLOY,
                        "{'metadata':{'annotations':{'note':'x'}}}",
                        DEPLOY.replace("'name':'d',", "'name':'d','annotations':{'note':'x'},")),
                new Case("merge patch null deletes label", MERGE, Deployment.class, DEPLOY,
                        "{'metadata':{'labels':{'app':null}}}",
                        DEPLOY.replace("'app':'a',", "")),
                new Case("smp new container goes first (no setElementOrder)", STRATEGIC, Pod.class, POD,
                        "{'spec':{'containers':[{'name':'d','image':'i4'}]}}",
                        POD.replace("[{'name':'a'", "[{'name':'d','image':'i4'},{'name':'a'")),
                new Case("smp $patch delete of a container", STRATEGIC, Pod.class, POD,
                        "{'spec':{'containers':[{'name':'b','$patch':'delete'}]}}",
                        POD.replace("{'name':'b','image':'i2'},", "")),
                new Case("smp $patch replace of the container list", STRATEGIC, Pod.class, POD,
                        "{'spec':{'containers':[{'name':'z','image':'iz'},{'$patch':'replace'}]}}",
                        POD.replace("[{'name':'a','image':'i1'},{'name':'b','image':'i2'},{'name':'c','image':'i3'}]",
                                "[{'name':'z','image':'iz'}]")),
                new Case("smp $patch replace of a map", STRATEGIC, Pod.class, POD,
                        "{'metadata':{'$patch':'replace','name':'q'}}",
                        POD.replace("{'name':'p'}", "{'name':'q'}")),
                new Case("smp $patch delete of a map", STRATEGIC, Pod.class, POD,
                        "{'status':{'$patch':'delete'}}",
                        POD.replace("{'conditions':[{'type':'Ready','status':'False'},"
                                + "{'type':'Initialized','status':'True'}]}", "{}")),
                new Case("smp $patch merge in a map is a no-op directive", STRATEGIC, Pod.class, POD,
                        "{'metadata':{'$patch':'merge','labels':{'a':'b'}}}",
                        POD.replace("{'name':'p'}", "{'name':'p','labels':{'a':'b'}}")),
                new Case("smp $setElementOrder reorders and merges", STRATEGIC, Pod.class, POD,
                        "{'spec':{'$setElementOrder/containers':[{'name':'c'},{'name':'a'},{'name':'b'}],"
                                + "'containers':[{'name':'a','image':'new'}]}}",
                        POD.replace("[{'name':'a','image':'i1'},{'name':'b','image':'i2'},{'name':'c','image':'i3'}]",
                                "[{'name':'c','image':'i3'},{'name':'a','image':'new'},{'name':'b','image':'i2'}]")),
                new Case("smp $setElementOrder places a new container", STRATEGIC, Pod.class, POD,
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'},{'name':'c'},{'name':'d'}],"
                                + "'containers':[{'name':'d','image':'i4'}]}}",
                        POD.replace("{'name':'c','image':'i3'}]", "{'name':'c','image':'i3'},{'name':'d','image':'i4'}]")),
                new Case("smp finalizers union", STRATEGIC, Deployment.class, DEPLOY,
                        "{'metadata':{'finalizers':['x/b','x/c']}}",
                        DEPLOY.replace("['x/a','x/b']", "['x/a','x/b','x/c']")),
                new Case("smp $deleteFromPrimitiveList/finalizers", STRATEGIC, Deployment.class, DEPLOY,
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['x/a']}}",
                        DEPLOY.replace("['x/a','x/b']", "['x/b']")),
                new Case("smp $setElementOrder/finalizers", STRATEGIC, Deployment.class, DEPLOY,
                        "{'metadata':{'$setElementOrder/finalizers':['x/b','x/a']}}",
                        DEPLOY.replace("['x/a','x/b']", "['x/b','x/a']")),
                new Case("smp ports merged by containerPort, env by name", STRATEGIC, Deployment.class, DEPLOY,
                        "{'spec':{'template':{'spec':{'containers':[{'name':'app',"
                                + "'ports':[{'containerPort':81,'name':'x'}],'env':[{'name':'B','value':null}]}]}}}}",
                        DEPLOY.replace("{'containerPort':81}", "{'containerPort':81,'name':'x'}")
                                .replace("{'name':'B','value':'2'}", "{'name':'B'}")),
                new Case("smp list without strategy (tolerations) is replaced", STRATEGIC, Pod.class, POD,
                        "{'spec':{'tolerations':[{'key':'k3'}]}}",
                        POD.replace("[{'key':'k1'},{'key':'k2'}]", "[{'key':'k3'}]")),
                new Case("smp status conditions merged by type", STRATEGIC, Pod.class, POD,
                        "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
                        POD.replace("{'type':'Ready','status':'False'}", "{'type':'Ready','status':'True'}")),
                new Case("smp $retainKeys clears other volume sources", STRATEGIC, Pod.class, POD,
                        "{'spec':{'volumes':[{'name':'v2','$retainKeys':['name','secret'],'secret':{'secretName':'s'}}]}}",
                        POD.replace("{'name':'v2','configMap':{'name':'cm'}}", "{'name':'v2','secret':{'secretName':'s'}}")),
                new Case("smp service ports by port", STRATEGIC, Service.class,
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':9090}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}"),
                new Case("smp node taints are replaced (no patch tags in kube)", STRATEGIC, Node.class,
                        "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}"),
                new Case("smp node addresses by type", STRATEGIC, Node.class,
                        "{'status':{'addresses':[{'type':'InternalIP','address':'1'},{'type':'Hostname','address':'h'}]}}",
                        "{'status':{'addresses':[{'type':'InternalIP','address':'2'}]}}",
                        "{'status':{'addresses':[{'type':'InternalIP','address':'2'},{'type':'Hostname','address':'h'}]}}"),
                new Case("smp unknown field: lists replaced, maps merged", STRATEGIC, Pod.class,
                        "{'spec':{'x':{'a':[1,2],'b':1}}}", "{'spec':{'x':{'a':[3]}}}",
                        "{'spec':{'x':{'a':[3],'b':1}}}"),
                new Case("smp new nested map drops nulls", STRATEGIC, Pod.class,
                        "{'metadata':{'name':'p'}}", "{'metadata':{'labels':{'a':'b','c':null}}}",
                        "{'metadata':{'name':'p','labels':{'a':'b'}}}"),
                new Case("smp ownerReferences by uid", STRATEGIC, Pod.class,
                        "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'2','controller':true}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b','controller':true}]}}"),
                new Case("json patch replace", JSON_PATCH, Deployment.class, DEPLOY,
                        "[{'op':'replace','path':'/spec/replicas','value':3}]",
                        DEPLOY.replace("'replicas':1", "'replicas':3")),
                new Case("json patch add label with escaped key", JSON_PATCH, Deployment.class, DEPLOY,
                        "[{'op':'add','path':'/metadata/labels/example.com~1x','value':'y'}]",
                        DEPLOY.replace("'tier':'web'", "'tier':'web','example.com/x':'y'")),
                new Case("json patch remove", JSON_PATCH, Deployment.class, DEPLOY,
                        "[{'op':'remove','path':'/spec/template/spec/containers/1'}]",
                        DEPLOY.replace(",{'name':'side','image':'busybox'}", "")),
                new Case("json patch test then replace", JSON_PATCH, Deployment.class, DEPLOY,
                        "[{'op':'test','path':'/metadata/labels/app','value':'a'},"
                                + "{'op':'replace','path':'/metadata/labels/app','value':'b'}]",
                        DEPLOY.replace("'app':'a'", "'app':'b'")),
                new Case("json patch append to list", JSON_PATCH, Deployment.class, DEPLOY,
                        "[{'op':'add','path':'/metadata/finalizers/-','value':'x/c'}]",
                        DEPLOY.replace("['x/a','x/b']", "['x/a','x/b','x/c']")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void applies(Case c) {
        JsonNode original = tree(c.original());
        JsonNode before = original.deepCopy();
        JsonNode result = Patches.apply(c.type(), original, j(c.patch()).getBytes(StandardCharsets.UTF_8),
                BuiltInSchemas.of(c.cls()));
        assertThat(result).isEqualTo(tree(c.expected()));
        assertThat(original).as("input not mutated").isEqualTo(before);
    }

    record ErrorCase(String name, PatchType type, String original, String patch, int code, String reason,
                     String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ErrorCase> errors() {
        String generic = "the server rejected our request due to an error in our request";
        return List.of(
                new ErrorCase("json patch test fails", JSON_PATCH, DEPLOY,
                        "[{'op':'test','path':'/metadata/labels/app','value':'zzz'}]", 422, "Invalid", generic),
                new ErrorCase("json patch missing path", JSON_PATCH, DEPLOY,
                        "[{'op':'replace','path':'/metadata/nope/x','value':1}]", 422, "Invalid", generic),
                new ErrorCase("json patch remove missing key", JSON_PATCH, DEPLOY,
                        "[{'op':'remove','path':'/metadata/labels/nope'}]", 422, "Invalid", generic),
                new ErrorCase("json patch unknown op", JSON_PATCH, DEPLOY,
                        "[{'op':'frob','path':'/a'}]", 422, "Invalid", generic),
                new ErrorCase("json patch not a list", JSON_PATCH, DEPLOY, "{'op':'add'}", 400, "BadRequest",
                        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
                new ErrorCase("json patch malformed", JSON_PATCH, DEPLOY, "[{", 400, "BadRequest", null),
                new ErrorCase("merge patch malformed", MERGE, DEPLOY, "{'a':", 400, "BadRequest", "Invalid JSON Patch"),
                new ErrorCase("smp malformed", STRATEGIC, DEPLOY, "nope", 400, "BadRequest", null),
                new ErrorCase("smp not an object", STRATEGIC, DEPLOY, "[1]", 400, "BadRequest",
                        "json: cannot unmarshal array into Go value of type map[string]interface {}"),
                new ErrorCase("smp bad $deleteFromPrimitiveList", STRATEGIC, DEPLOY,
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':'x'}}", 400, "BadRequest",
                        "invalid patch format of primitive list"),
                new ErrorCase("smp bad $setElementOrder", STRATEGIC, DEPLOY,
                        "{'metadata':{'$setElementOrder/finalizers':'x'}}", 400, "BadRequest",
                        "invalid patch format of setElementOrder list"),
                new ErrorCase("smp $retainKeys not matching patch", STRATEGIC, POD,
                        "{'spec':{'volumes':[{'name':'v2','$retainKeys':['name'],'secret':{}}]}}", 422, "Invalid",
                        generic),
                // kube answers these with a bare 500; they are the client's mistakes, so 400 here (issue #8)
                new ErrorCase("smp element without merge key", STRATEGIC, POD,
                        "{'spec':{'containers':[{'image':'x'}]}}", 400, "BadRequest",
                        "map: {\"image\":\"x\"} does not contain declared merge key: name"),
                new ErrorCase("smp unknown $patch", STRATEGIC, POD, "{'metadata':{'$patch':'bogus'}}", 400,
                        "BadRequest", "unknown patch type: bogus in map: {\"$patch\":\"bogus\"}"),
                new ErrorCase("smp unknown $patch in a list element", STRATEGIC, POD,
                        "{'spec':{'containers':[{'name':'a','$patch':'bogus'}]}}", 400, "BadRequest",
                        "unknown patch type: bogus in map: {\"name\":\"a\",\"$patch\":\"bogus\"}"),
                new ErrorCase("smp numeric $patch in a list element", STRATEGIC, POD,
                        "{'spec':{'containers':[{'name':'a','$patch':1}]}}", 400, "BadRequest",
                        "unknown patch type: 1 in map: {\"name\":\"a\",\"$patch\":1}"),
                new ErrorCase("smp $patch merge in a list", STRATEGIC, POD,
                        "{'spec':{'containers':[{'name':'a','$patch':'merge'}]}}", 400, "BadRequest",
                        "merging lists cannot yet be specified in the patch"),
                new ErrorCase("smp mixed list element types", STRATEGIC, POD,
                        "{'spec':{'containers':['a']}}", 400, "BadRequest", null),
                new ErrorCase("smp setElementOrder not matching patch order", STRATEGIC, POD,
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],"
                                + "'containers':[{'name':'b','image':'x'},{'name':'a','image':'y'}]}}",
                        400, "BadRequest", null),
                new ErrorCase("apply is not implemented here", PatchType.APPLY, POD, "{}", 415,
                        "UnsupportedMediaType", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void rejects(ErrorCase c) {
        assertThatThrownBy(() -> Patches.apply(c.type(), tree(c.original()),
                j(c.patch()).getBytes(StandardCharsets.UTF_8), BuiltInSchemas.of(Pod.class)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(c.code());
                    assertThat(e.reason()).isEqualTo(c.reason());
                    if (c.message() != null) {
                        assertThat(e.status().getMessage()).isEqualTo(c.message());
                    }
                });
    }
}
