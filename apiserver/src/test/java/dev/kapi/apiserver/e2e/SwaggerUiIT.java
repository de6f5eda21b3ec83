package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Swagger UI in a real browser (Debian's headless {@code chromium} through {@code chromedriver}, driven by
 * Selenium) against the packaged jar: the page loads without credentials and offers only "Authorize"; with the
 * token of {@code e2e-dev} it lists the server's group-versions (a CRD's among them), and "Try it out" creates, gets, lists and
 * watches configmaps in a namespace where RBAC lets e2e-dev do so, the answers shown on the page. The last
 * screen is saved as {@code target/e2e/swagger-ui.png} (the README's picture is {@code docs/swagger-ui.png}).
 *
 * <p>Chromium and its driver are required, not optional: without them this test fails, saying what to install.
 */
@ExtendWith(KapiServerExtension.class)
class SwaggerUiIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String NAMESPACE = "e2e-swagger";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KapiServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void setUp() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the Swagger UI test needs Debian's headless Chromium and its driver at %s and %s: "
                        + "apt-get install -y chromium chromium-driver (as .ci/run does)", CHROMIUM, CHROMEDRIVER)
                .isTrue();
        server = KapiServerExtension.server();
        KubeHttp.createNamespace(NAMESPACE);
        created(KubeHttp.post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE + "/roles",
                "{\"metadata\":{\"name\":\"cm-user\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
                        + "\"verbs\":[\"get\",\"list\",\"watch\",\"create\"]}]}"));
        created(KubeHttp.post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE + "/rolebindings",
                "{\"metadata\":{\"name\":\"dev-uses-cms\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                        + "\"kind\":\"Role\",\"name\":\"cm-user\"},\"subjects\":[{\"kind\":\"User\","
                        + "\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"e2e-dev\"}]}"));
        created(KubeHttp.post("/api/v1/namespaces/" + NAMESPACE + "/configmaps",
                "{\"metadata\":{\"name\":\"shown-in-the-ui\"},\"data\":{\"greeting\":\"hello from kapi\"}}"));

        // a custom resource's group-version appears as a document of its own, with no change to the UI
        created(KubeHttp.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "{\"metadata\":{\"name\":"
                + "\"gizmos.swagger.kapi.dev\"},\"spec\":{\"group\":\"swagger.kapi.dev\",\"scope\":\"Namespaced\","
                + "\"names\":{\"plural\":\"gizmos\",\"singular\":\"gizmo\",\"kind\":\"Gizmo\"},\"versions\":[{"
                + "\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":"
                + "\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}}]}}"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(KubeHttp.get("/openapi/v3/apis/swagger.kapi.dev/v1").code()).isEqualTo(200));

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,1100", "--user-data-dir=" + profileDir());
        options.setAcceptInsecureCerts(true); // the server's certificate is signed by its own CA
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 1100));
    }

    @AfterAll
    static void tearDown() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static void created(Reply r) {
        assertThat(r.code()).as(r.toString()).isIn(201, 409);
    }

    private static String profileDir() {
        try {
            return Files.createTempDirectory(KapiServerExtension.e2eDir(), "chromium-").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void authorizeThenTryItOutForCreateGetListAndWatch() throws IOException {
        browser.get(server.url("/swagger-ui.html").toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        assertThat(browser.getCurrentUrl()).endsWith("/swagger-ui/index.html");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".information-container"),
                "Authorize"));
        assertThat(browser.findElements(By.cssSelector(".opblock"))).as("no operation before a token").isEmpty();

        click(wait, By.cssSelector(".auth-wrapper button.authorize"));
        WebElement tokenField = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".modal-ux input")));
        tokenField.sendKeys(E2eTokens.DEV);
        click(wait, By.cssSelector(".modal-ux .auth-btn-wrapper button.authorize"));

        // the page reloads with the token: one document per group-version, api/v1 first
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".download-url-wrapper select")));
        List<String> documents = browser.findElements(By.cssSelector(".download-url-wrapper select option")).stream()
                .map(WebElement::getText).toList();
        assertThat(documents).startsWith("api/v1").contains("apis/apps/v1", "apis/rbac.authorization.k8s.io/v1",
                "apis/swagger.kapi.dev/v1");

        String created = tryItOut(wait, "createCoreV1NamespacedConfigMap",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"made-in-the-ui\"},"
                        + "\"data\":{\"from\":\"swagger-ui\"}}", "201");
        assertThat(created).contains("\"name\": \"made-in-the-ui\"", "\"from\": \"swagger-ui\"");
        assertThat(KubeHttp.get("/api/v1/namespaces/" + NAMESPACE + "/configmaps/made-in-the-ui").code())
                .isEqualTo(200);

        String got = tryItOut(wait, "readCoreV1NamespacedConfigMap", null, "200", "name", "shown-in-the-ui");
        assertThat(got).contains("\"greeting\": \"hello from kapi\"");

        String watched = tryItOut(wait, "listCoreV1NamespacedConfigMap", null, "200", "watch", "true",
                "timeoutSeconds", "1");
        // one event per line, which the page shows raw ("can't parse JSON"), as kube's watch stream is
        assertThat(watched).contains("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"")
                .contains("\"name\":\"made-in-the-ui\"", "\"name\":\"shown-in-the-ui\"");

        String listed = tryItOut(wait, "listCoreV1NamespacedConfigMap", null, "200", "watch", "false",
                "timeoutSeconds", "");
        assertThat(listed).contains("\"kind\": \"ConfigMapList\"", "\"name\": \"shown-in-the-ui\"",
                "\"name\": \"made-in-the-ui\"");

        Path shot = KapiServerExtension.e2eDir().resolve("swagger-ui.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isPositive();
    }

    /**
     * Expands operation {@code operationId} of api/v1, fills in the namespace and {@code params} (name, value
     * pairs) and the request body, executes, and returns the response body shown once its status is
     * {@code code}.
     */
    private static String tryItOut(WebDriverWait wait, String operationId, String body, String code,
                                   String... params) {
        By operation = By.cssSelector("[id^='operations-'][id$='-" + operationId + "']");
        WebElement block = wait.until(ExpectedConditions.presenceOfElementLocated(operation));
        if (block.findElements(By.cssSelector(".opblock-body")).isEmpty()) {
            scrollTo(block);
            block.findElement(By.cssSelector(".opblock-summary-control")).click();
        }
        WebElement tryOut = wait.until(d -> d.findElement(operation).findElement(By.cssSelector("button.try-out__btn")));
        if (tryOut.getText().contains("Try it out")) {
            scrollTo(tryOut);
            tryOut.click();
        }
        fill(wait, operation, "namespace", NAMESPACE);
        for (int i = 0; i < params.length; i += 2) {
            fill(wait, operation, params[i], params[i + 1]);
        }
        if (body != null) {
            WebElement editor = wait.until(d -> d.findElement(operation)
                    .findElement(By.cssSelector("textarea.body-param__text")));
            replaceText(editor, body);
        }
        for (WebElement clear : browser.findElement(operation).findElements(By.cssSelector("button.btn-clear"))) {
            scrollTo(clear);
            clear.click(); // the previous call's answer goes, so the one awaited below is this call's
        }
        wait.until(d -> d.findElement(operation).findElements(By.cssSelector(".live-responses-table")).isEmpty());
        WebElement execute = browser.findElement(operation).findElement(By.cssSelector("button.execute"));
        scrollTo(execute);
        execute.click();
        WebElement answer = wait.until(d -> d.findElement(operation)
                .findElement(By.cssSelector(".live-responses-table .response")));
        WebElement response = answer.findElement(By.cssSelector(".response-col_description"));
        scrollTo(response);
        assertThat(answer.findElement(By.cssSelector(".response-col_status")).getText().trim().split("\\s")[0])
                .as("%s answered: %s", operationId, response.getText()).isEqualTo(code);
        return response.findElement(By.cssSelector(".highlight-code")).getText();
    }

    private static void fill(WebDriverWait wait, By operation, String param, String value) {
        WebElement field = wait.until(d -> d.findElement(operation).findElement(
                By.cssSelector("tr[data-param-name='" + param + "'] input, tr[data-param-name='" + param
                        + "'] select")));
        scrollTo(field);
        if ("select".equals(field.getTagName())) {
            new Select(field).selectByVisibleText(value.isEmpty() ? "--" : value);
            return;
        }
        replaceText(field, value);
    }

    /** Selects what a field holds and types over it (React's fields ignore {@code clear()}). */
    private static void replaceText(WebElement field, String value) {
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        if (!value.isEmpty()) {
            field.sendKeys(value);
        }
    }

    private static void click(WebDriverWait wait, By by) {
        WebElement e = wait.until(ExpectedConditions.elementToBeClickable(by));
        scrollTo(e);
        e.click();
    }

    private static void scrollTo(WebElement e) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
    }
}
