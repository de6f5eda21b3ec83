package dev.kapi.apiserver.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.Optional;

/**
 * A bearer token read as a signed JWT, before anything about it is trusted. Token authenticators start
 * here: a token that is not a signed JWT is not theirs (empty), and its issuer tells whose it is.
 */
public record ParsedJwt(SignedJWT jwt, JWTClaimsSet claims) {

    public static Optional<ParsedJwt> parse(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            return Optional.of(new ParsedJwt(jwt, jwt.getJWTClaimsSet()));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
