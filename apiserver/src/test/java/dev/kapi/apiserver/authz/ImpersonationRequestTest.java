package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ImpersonationRequestTest {

    static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"), Map.of());

    static MockHttpServletRequest request(String... headers) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api/v1/pods");
        for (int i = 0; i < headers.length; i += 2) {
            req.addHeader(headers[i], headers[i + 1]);
        }
        return req;
    }

    static Stream<Arguments> users() {
        return Stream.of(
                Arguments.of(request("Impersonate-User", "alice"),
                        new UserInfo("alice", "", List.of("system:authenticated"), Map.of())),
                Arguments.of(request("Impersonate-User", "alice", "Impersonate-Group", "a", "Impersonate-Group", "b"),
                        new UserInfo("alice", "", List.of("a", "b", "system:authenticated"), Map.of())),
                Arguments.of(request("Impersonate-User", "alice", "Impersonate-Group", "system:unauthenticated"),
                        new UserInfo("alice", "", List.of("system:unauthenticated"), Map.of())),
                Arguments.of(request("Impersonate-User", "system:anonymous"),
                        new UserInfo("system:anonymous", "", List.of("system:unauthenticated"), Map.of())),
                Arguments.of(request("Impersonate-User", "system:serviceaccount:ns1:builder"),
                        new UserInfo("system:serviceaccount:ns1:builder", "", List.of("system:serviceaccounts",
                                "system:serviceaccounts:ns1", "system:authenticated"), Map.of())),
                Arguments.of(request("Impersonate-User", "alice", "Impersonate-Uid", "u-1",
                                "Impersonate-Extra-Acme.com%2Fproject", "p1", "Impersonate-Extra-Acme.com%2Fproject", "p2"),
                        new UserInfo("alice", "u-1", List.of("system:authenticated"),
                                Map.of("acme.com/project", List.of("p1", "p2")))));
    }

    @ParameterizedTest
    @MethodSource("users")
    void actsAsTheImpersonatedUser(MockHttpServletRequest req, UserInfo expected) {
        assertThat(ImpersonationRequest.of(req).userInfo()).isEqualTo(expected);
    }

    /** The filter's quick test agrees with the full parse on whether a request asks for impersonation. */
    static Stream<Arguments> prefixes() {
        return Stream.of(
                Arguments.of(request(), false),
                Arguments.of(request("Accept", "application/json", "Authorization", "Bearer x"), false),
                Arguments.of(request("Impersonate", "alice", "X-Impersonate-User", "bob"), false),
                Arguments.of(request("Impersonate-User", "alice"), true),
                Arguments.of(request("impersonate-group", "g"), true),
                Arguments.of(request("IMPERSONATE-UID", "u"), true),
                Arguments.of(request("Impersonate-Extra-Scopes", "view"), true));
    }

    @ParameterizedTest
    @MethodSource("prefixes")
    void quickTestMatchesTheFullParse(MockHttpServletRequest req, boolean impersonating) {
        assertThat(ImpersonationFilter.hasImpersonationPrefix(req)).isEqualTo(impersonating);
        assertThat(ImpersonationRequest.of(req).isEmpty()).isEqualTo(!impersonating);
    }

    @Test
    void checksEachImpersonatedAttribute() {
        List<String> checks = ImpersonationRequest.of(request("Impersonate-User", "system:serviceaccount:ns1:sa",
                        "Impersonate-Group", "g", "Impersonate-Extra-Scopes", "view", "Impersonate-Uid", "u-1"))
                .checks(ADMIN).stream()
                .map(a -> a.verb() + " " + a.apiGroup() + "/" + a.resourceWithSubresource() + " " + a.namespace()
                        + "/" + a.name())
                .toList();
        assertThat(checks).containsExactly("impersonate /serviceaccounts ns1/sa", "impersonate /groups /g",
                "impersonate authentication.k8s.io/userextras/scopes /view",
                "impersonate authentication.k8s.io/uids /u-1");
    }

    /** kube's SplitUsername: only a valid namespace and name make a service account; anything else is a user. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"system:serviceaccount:team:NOT_VALID",
            "system:serviceaccount:team:x y", "system:serviceaccount:Team:sa", "system:serviceaccount:team.a:sa",
            "system:serviceaccount:team:a:b", "system:serviceaccount::sa", "system:serviceaccount:team:"})
    void anInvalidServiceAccountNameIsImpersonatedAsAUser(String name) {
        ImpersonationRequest impersonation = ImpersonationRequest.of(request("Impersonate-User", name));
        assertThat(impersonation.checks(ADMIN)).extracting(a -> a.resourceWithSubresource() + " " + a.name())
                .containsExactly("users " + name);
        assertThat(impersonation.userInfo().groups()).containsExactly("system:authenticated");
    }

    @Test
    void laterStagesDoNotSeeTheHeaders() {
        var req = ImpersonationRequest.withoutHeaders(request("Impersonate-User", "alice",
                "Impersonate-Extra-X", "1", "Accept", "application/json"));
        assertThat(Collections.list(req.getHeaderNames())).containsExactly("Accept");
        assertThat(req.getHeader("impersonate-user")).isNull();
        assertThat(ImpersonationRequest.of(req).isEmpty()).isTrue();
    }
}
