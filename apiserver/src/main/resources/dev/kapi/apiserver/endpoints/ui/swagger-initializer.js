// Kapi's start-up script for the Swagger UI (served in place of the webjar's swagger-initializer.js).
// The page itself is public; everything it shows comes from the API with the user's bearer token:
// without one it offers only "Authorize"; with one it reads /openapi/v3 (the index kubectl reads) and
// offers one document per group-version. The token lives in this tab's sessionStorage only.
window.onload = function () {
  const KEY = "kapi.authorization";
  const SCHEME = "BearerToken";
  const token = () => window.sessionStorage.getItem(KEY);

  // kube's documents describe the token as an apiKey in the "authorization" header: "Bearer <token>".
  const headerValue = (value) => {
    const v = String(value).trim();
    return /^bearer\s/i.test(v) ? v : "Bearer " + v;
  };

  const sameOrigin = (url) => new URL(url, document.location.href).origin === document.location.origin;

  // Every request of the page (documents and calls) carries the token, and only to this server.
  const requestInterceptor = (request) => {
    const t = token();
    if (t && sameOrigin(request.url) && !request.headers.authorization && !request.headers.Authorization) {
      request.headers.Authorization = t;
    }
    // kube's documents accept "*/*" request bodies; the JSON the editor holds is sent as JSON
    for (const name of Object.keys(request.headers)) {
      if (name.toLowerCase() === "content-type" && request.headers[name] === "*/*") {
        request.headers[name] = "application/json";
      }
    }
    return request;
  };

  // "Authorize" keeps the token for this tab and reloads the page with it; "Logout" forgets it.
  const TokenPlugin = () => ({
    statePlugins: {
      auth: {
        wrapActions: {
          authorize: (authorize) => (payload) => {
            const entry = payload && payload[SCHEME];
            if (entry && entry.value) {
              entry.value = headerValue(entry.value);
              if (entry.value !== token()) {
                window.sessionStorage.setItem(KEY, entry.value);
                window.setTimeout(() => window.location.reload(), 0);
              }
            }
            return authorize(payload);
          },
          logout: (logout) => (payload) => {
            const known = token() !== null;
            window.sessionStorage.removeItem(KEY);
            const result = logout(payload);
            if (known) {
              window.setTimeout(() => window.location.reload(), 0);
            }
            return result;
          },
        },
      },
    },
  });

  const common = {
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl, TokenPlugin],
    docExpansion: "list",
    defaultModelsExpandDepth: -1,
    tryItOutEnabled: false,
  };

  const signIn = (problem) => {
    window.ui = SwaggerUIBundle(Object.assign({}, common, {
      layout: "BaseLayout",
      spec: {
        openapi: "3.0.0",
        info: {
          title: "Kapi",
          version: "",
          description: (problem ? "**" + problem + "**\n\n" : "")
            + "Choose **Authorize** and give a bearer token (a `--token-auth-file` token, `kubectl create token`, "
            + "an OIDC ID token). The API's documents, one per group-version, are then read with it from "
            + "`/openapi/v3`, and every call made from this page is authenticated and authorized as any other.",
        },
        paths: {},
        components: {
          securitySchemes: {
            [SCHEME]: {type: "apiKey", in: "header", name: "authorization", description: "Bearer Token authentication"},
          },
        },
        security: [{[SCHEME]: []}],
      },
    }));
  };

  const documents = (index) => {
    const urls = Object.keys(index.paths || {}).sort(byGroup).map((path) => ({
      name: path,
      url: index.paths[path].serverRelativeURL,
    }));
    window.ui = SwaggerUIBundle(Object.assign({}, common, {
      layout: "StandaloneLayout",
      urls,
      "urls.primaryName": new URLSearchParams(window.location.search).get("urls.primaryName") || "api/v1",
      onComplete: () => window.ui.preauthorizeApiKey(SCHEME, token()),
    }));
  };

  // api/v1 first, then the groups by name
  const byGroup = (a, b) => (a === "api/v1" ? -1 : b === "api/v1" ? 1 : a.localeCompare(b));

  if (!token()) {
    signIn();
    return;
  }
  fetch("/openapi/v3", {headers: {Authorization: token(), Accept: "application/json"}})
    .then((res) => res.ok
      ? res.json().then(documents)
      : res.json().catch(() => ({})).then((status) => {
        window.sessionStorage.removeItem(KEY);
        signIn("The token was refused (" + res.status + "): " + (status.message || res.statusText));
      }))
    .catch((e) => signIn("The API could not be reached: " + e));
};
