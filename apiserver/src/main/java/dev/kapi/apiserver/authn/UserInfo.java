package dev.kapi.apiserver.authn;

import java.util.List;
import java.util.Map;

/** Who sent a request, as an authenticator decided: user name, uid, groups and extra attributes. */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    /** The request attribute under which the authentication stage leaves the user. */
    public static final String ATTRIBUTE = UserInfo.class.getName();
    /** The user of a request without credentials, and its one group. */
    public static final String ANONYMOUS = "system:anonymous";
    public static final String UNAUTHENTICATED = "system:unauthenticated";

    public static UserInfo anonymous() {
        return new UserInfo(ANONYMOUS, "", List.of(UNAUTHENTICATED), Map.of());
    }
}
