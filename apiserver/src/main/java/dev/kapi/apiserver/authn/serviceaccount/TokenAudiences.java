package dev.kapi.apiserver.authn.serviceaccount;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import java.util.List;

/** kube's audience check of ServiceAccount tokens, bound and legacy alike. */
final class TokenAudiences {

    private TokenAudiences() {
    }

    /**
     * The wanted audiences (empty: the server's API audiences) the token is for, in the wanted order; none is a
     * refusal with kube's message, unless the server has no API audiences (kube then checks nothing).
     *
     * @param tokenAudiences the token's {@code aud}; none (a legacy token's) stands for the API audiences
     */
    static List<String> valid(List<String> tokenAudiences, List<String> wanted, List<String> apiAudiences) {
        List<String> has = tokenAudiences == null || tokenAudiences.isEmpty() ? apiAudiences : tokenAudiences;
        List<String> requested = wanted == null || wanted.isEmpty() ? apiAudiences : wanted;
        List<String> valid = requested.stream().filter(has::contains).toList();
        if (valid.isEmpty() && !apiAudiences.isEmpty()) {
            throw new BadCredentialsException("token audiences " + GoQuote.quoteAll(has)
                    + " is invalid for the target audiences " + GoQuote.quoteAll(requested));
        }
        return valid;
    }
}
