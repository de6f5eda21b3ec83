package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.StaticTokenFile;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AlwaysAllowAuthorizer;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.authz.RuleResolver;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.kapi.apiserver.endpoints.reviews.AccessReviewsTest.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;

/** SelfSubjectRulesReview, TokenReview and SelfSubjectReview through the dispatcher. */
class RulesAndIdentityReviewsTest {

    private static final String RULES = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private static final String TOKENS = "/apis/authentication.k8s.io/v1/tokenreviews";
    private static final Authorizer DENY_ALL = a -> Decision.noOpinion("");

    record RulesCase(String name, Authorizer authorizer, Supplier<RuleResolver> resolver, String status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<RulesCase> rules() {
        RuleResolver rbac = (user, ns) -> new RuleResolver.Rules(List.of(
                new PolicyRuleBuilder().withVerbs("get", "list").withApiGroups("").withResources("pods")
                        .withResourceNames("p1").build(),
                new PolicyRuleBuilder().withVerbs("*").withApiGroups("apps").withResources("deployments").build(),
                new PolicyRuleBuilder().withVerbs("get").withNonResourceURLs("/healthz", "/version").build()),
                false, null);
        RuleResolver partial = (user, ns) -> new RuleResolver.Rules(List.of(), true,
                "role.rbac.authorization.k8s.io \"gone\" not found");
        return Stream.of(
                new RulesCase("rules from the resolver", DENY_ALL, () -> rbac, """
                        {"resourceRules":[
                           {"verbs":["get","list"],"apiGroups":[""],"resources":["pods"],"resourceNames":["p1"]},
                           {"verbs":["*"],"apiGroups":["apps"],"resources":["deployments"]}],
                         "nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/healthz","/version"]}],
                         "incomplete":false}"""),
                new RulesCase("an incomplete answer with its error", DENY_ALL, () -> partial, """
                        {"resourceRules":[],"nonResourceRules":[],"incomplete":true,
                         "evaluationError":"role.rbac.authorization.k8s.io \\"gone\\" not found"}"""),
                new RulesCase("AlwaysAllow without a resolver: everything", new AlwaysAllowAuthorizer(), () -> null, """
                        {"resourceRules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}],
                         "nonResourceRules":[{"verbs":["*"],"nonResourceURLs":["*"]}],"incomplete":false}"""),
                new RulesCase("another authorizer without a resolver: unknown", DENY_ALL, () -> null, """
                        {"resourceRules":[],"nonResourceRules":[],"incomplete":true}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rulesReviewListsTheRequestersRules(RulesCase c) throws Exception {
        ReviewClient client = new ReviewClient(c.authorizer(), c.resolver(), List.of(), REQUESTER);

        ReviewClient.Answer a = client.post(RULES, """
                {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"ns1"}}""");

        assertThat(a.code()).as(a.body().toString()).isEqualTo(201);
        assertThat(a.body()).isEqualTo(Json.MAPPER.readTree("""
                {"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1",
                 "metadata":{"creationTimestamp":null},"status":%s}""".formatted(c.status())));
    }

    @Test
    void rulesReviewAsksForTheRequesterInTheSpecsNamespace() throws Exception {
        List<String> asked = new ArrayList<>();
        RuleResolver resolver = (user, ns) -> {
            asked.add(user.name() + "@" + ns);
            return new RuleResolver.Rules(List.of(), false, null);
        };
        new ReviewClient(DENY_ALL, () -> resolver, List.of(), REQUESTER)
                .post(RULES, "{\"spec\":{\"namespace\":\"team-a\"}}");
        assertThat(asked).containsExactly("jane@team-a");
    }

    /** Knows "good" (for any audience asked) and refuses tokens starting with its prefix. */
    record FakeTokens(String refusedPrefix, List<List<String>> asked) implements TokenAuthenticator {
        @Override
        public Optional<Authenticated> authenticate(String token, List<String> audiences) {
            asked.add(audiences);
            if (token.startsWith(refusedPrefix)) {
                throw new BadCredentialsException(refusedPrefix + " token is invalid");
            }
            return token.equals("good") ? Optional.of(new Authenticated(new UserInfo("system:serviceaccount:ns1:bot",
                    "sa-1", List.of("system:serviceaccounts"), Map.of("pod", List.of("p1"))), audiences))
                    : Optional.empty();
        }
    }

    record TokenCase(String name, String spec, List<TokenAuthenticator> authenticators, String status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<TokenCase> tokens() {
        FakeTokens sa = new FakeTokens("sa-", new ArrayList<>());
        FakeTokens oidc = new FakeTokens("oidc-", new ArrayList<>());
        return Stream.of(
                new TokenCase("a known token", "{\"token\":\"good\",\"audiences\":[\"api\"]}", List.of(oidc, sa), """
                        {"authenticated":true,"user":{"username":"system:serviceaccount:ns1:bot","uid":"sa-1",
                          "groups":["system:serviceaccounts"],"extra":{"pod":["p1"]}},"audiences":["api"]}"""),
                new TokenCase("a known token, default audiences", "{\"token\":\"good\"}", List.of(sa), """
                        {"authenticated":true,"user":{"username":"system:serviceaccount:ns1:bot","uid":"sa-1",
                          "groups":["system:serviceaccounts"],"extra":{"pod":["p1"]}}}"""),
                new TokenCase("an unknown token", "{\"token\":\"who\"}", List.of(sa, oidc), """
                        {"user":{}}"""),
                new TokenCase("a refused token", "{\"token\":\"sa-expired\"}", List.of(oidc, sa), """
                        {"user":{},"error":"sa- token is invalid"}"""),
                new TokenCase("refused by two", "{\"token\":\"sa-oidc-x\"}",
                        List.of(new FakeTokens("sa-", new ArrayList<>()), new FakeTokens("sa-oidc", new ArrayList<>())),
                        """
                        {"user":{},"error":"[sa- token is invalid, sa-oidc token is invalid]"}"""),
                new TokenCase("no token authenticators", "{\"token\":\"good\"}", List.of(), """
                        {"user":{}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void tokenReviewAsksTheTokenAuthenticators(TokenCase c) throws Exception {
        ReviewClient client = new ReviewClient(DENY_ALL, () -> null, c.authenticators(), REQUESTER);

        ReviewClient.Answer a = client.post(TOKENS, "{\"metadata\":{\"name\":\"t\"},\"spec\":" + c.spec() + "}");

        assertThat(a.code()).as(a.body().toString()).isEqualTo(201);
        assertThat(a.body()).isEqualTo(Json.MAPPER.readTree("""
                {"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1",
                 "metadata":{"name":"t","creationTimestamp":null},"spec":%s,"status":%s}"""
                .formatted(c.spec(), c.status())));
    }

    @Test
    void tokenReviewPassesTheRequestedAudiences() throws Exception {
        FakeTokens tokens = new FakeTokens("x-", new ArrayList<>());
        new ReviewClient(DENY_ALL, () -> null, List.of(tokens), REQUESTER)
                .post(TOKENS, "{\"spec\":{\"token\":\"good\",\"audiences\":[\"a\",\"b\"]}}");
        assertThat(tokens.asked()).containsExactly(List.of("a", "b"));
    }

    /**
     * kube's audiences: a review naming none is for the server's API audiences and says so in its status; a static
     * token is for the API audiences only (a review for another audience does not authenticate it, one naming
     * both answers the audience they share); an authenticator answering for an audience nobody asked is a 500.
     */
    @Test
    void tokenReviewAnswersForTheAudiencesTheTokenIsFor() throws Exception {
        FakeTokens sa = new FakeTokens("x-", new ArrayList<>());
        ReviewClient.Answer defaults = new ReviewClient(DENY_ALL, () -> null, List.of(sa), List.of("api", "kapi"),
                REQUESTER).post(TOKENS, "{\"spec\":{\"token\":\"good\"}}");
        assertThat(sa.asked()).containsExactly(List.of("api", "kapi"));
        assertThat(defaults.body().get("status").get("audiences")).isEqualTo(Json.MAPPER.readTree("[\"api\",\"kapi\"]"));

        TokenAuthenticator staticTokens = StaticTokenFile.parse("s3cret,alice,a-1,devs").forApiAudiences(List.of("api"));
        ReviewClient withStatic = new ReviewClient(DENY_ALL, () -> null, List.of(staticTokens), List.of("api"),
                REQUESTER);
        ReviewClient.Answer other = withStatic.post(TOKENS,
                "{\"spec\":{\"token\":\"s3cret\",\"audiences\":[\"vault\"]}}");
        assertThat(other.code()).isEqualTo(201);
        assertThat(other.body().get("status")).isEqualTo(Json.MAPPER.readTree("{\"user\":{}}"));
        ReviewClient.Answer shared = withStatic.post(TOKENS,
                "{\"spec\":{\"token\":\"s3cret\",\"audiences\":[\"vault\",\"api\"]}}");
        assertThat(shared.body().get("status")).isEqualTo(Json.MAPPER.readTree("""
                {"authenticated":true,"user":{"username":"alice","uid":"a-1","groups":["devs"]},"audiences":["api"]}"""));
        ReviewClient.Answer byDefault = withStatic.post(TOKENS, "{\"spec\":{\"token\":\"s3cret\"}}");
        assertThat(byDefault.body().get("status").get("audiences")).isEqualTo(Json.MAPPER.readTree("[\"api\"]"));

        TokenAuthenticator wrongAudience = (token, audiences) -> Optional.of(new TokenAuthenticator.Authenticated(
                new UserInfo("bob", "", List.of(), Map.of()), List.of("elsewhere")));
        ReviewClient.Answer bad = new ReviewClient(DENY_ALL, () -> null, List.of(wrongAudience), List.of("api"),
                REQUESTER).post(TOKENS, "{\"spec\":{\"token\":\"t\"}}");
        assertThat(bad.code()).isEqualTo(500);
        assertThat(bad.body().get("message").asString()).isEqualTo("Internal error occurred: error validating audiences");
        assertThat(bad.body().get("reason").asString()).isEqualTo("InternalError");
        assertThat(bad.body().get("details")).isEqualTo(Json.MAPPER.readTree("""
                {"causes":[{"message":"error validating audiences"}]}"""));
    }

    @Test
    void selfSubjectReviewTellsTheRequesterWhoTheyAre() throws Exception {
        ReviewClient client = new ReviewClient(DENY_ALL, () -> null, List.of(), REQUESTER);

        ReviewClient.Answer a = client.post("/apis/authentication.k8s.io/v1/selfsubjectreviews", """
                {"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview","metadata":{"name":"ignored"}}""",
                "dryRun", "All");

        assertThat(a.code()).isEqualTo(201);
        assertThat(a.body()).isEqualTo(Json.MAPPER.readTree("""
                {"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1",
                 "metadata":{"creationTimestamp":"2026-01-02T03:04:05Z"},
                 "status":{"userInfo":{"username":"jane","uid":"u-1","groups":["devs","system:authenticated"],
                   "extra":{"scopes":["a"]}}}}"""));
    }
}
