package dev.embody.console;

import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console end to end in a real browser: Debian's headless Chromium driven by Selenium through /usr/bin/chromedriver
 * (given explicitly, so Selenium downloads nothing), watching a live sim session on the wall clock.
 */
@Tag("external")
class ConsoleBrowserTest {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";

    @TempDir
    Path dir;
    LiveSession session;
    WebDriver browser;

    static WebDriver browser() {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,950");
        return new ChromeDriver(service, options);
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new File(CHROMEDRIVER).canExecute() && new File(CHROMIUM).canExecute(), "needs Debian's chromium and chromium-driver");
        session = new LiveSession(new ConsoleSettings("127.0.0.1", 0, null, 500, 20), dir, 4);
        browser = browser();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (session != null) {
            session.close();
        }
    }

    @Test
    void operatorWatchesCorrectsAndStopsTheAgentFromTheBrowser() throws Exception {
        browser.get(session.url());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        // the live view updates
        wait.until(d -> frames() >= 3);
        long before = frames();
        wait.until(d -> frames() > before + 5);
        wait.until(d -> !text("chosen").equals("-"));

        // typed correction: understood live as it is typed, then applied at the next step
        browser.findElement(By.id("correction")).sendKeys("a bit more to the left");
        wait.until(d -> text("understood").contains("move(direction=left, amount=small)"));
        int stepsBefore = session.steps.size();
        browser.findElement(By.id("correction")).sendKeys(Keys.ENTER);
        wait.until(d -> text("applied").startsWith("applied at step") && text("applied").contains(": move(direction=left, amount=small)"));
        Step corrected = session.steps.stream().skip(stepsBefore).filter(s -> "operator".equals(s.decision().by())).findFirst().orElseThrow();
        assertThat(corrected.command().toString()).isEqualTo("move(direction=left, amount=small)");
        assertThat(corrected.correction()).isEqualTo("a bit more to the left");
        assertThat(session.steps.stream().filter(s -> "operator".equals(s.decision().by())).count())
                .as("one correction overrides one step").isEqualTo(1);

        // a standing note: curation rules the commands it names out, and the page shows which module used it
        browser.findElement(By.id("correction")).sendKeys("remember: never go left", Keys.ENTER);
        wait.until(d -> text("memory-used").contains("curation: note \"never go left\" ruled out"));
        int noted = session.steps.size();
        wait.until(d -> session.steps.size() > noted + 5);
        assertThat(session.steps.stream().skip(noted + 1)).noneMatch(s -> "left".equals(s.command().arg("direction")));

        // what cannot be understood says so and moves nothing
        browser.findElement(By.id("correction")).sendKeys("sing me a song", Keys.ENTER);
        wait.until(d -> text("applied").contains("not understood"));

        // a command button: the command itself, at the next step (in record, the person's step)
        int pressed = session.steps.size();
        browser.findElements(By.cssSelector("#commands button.command")).stream()
                .filter(b -> b.getText().equals("move(direction=up, amount=large)")).findFirst().orElseThrow().click();
        wait.until(d -> text("command-sent").equals("sent move(direction=up, amount=large)"));
        wait.until(d -> session.steps.stream().skip(pressed).anyMatch(s -> "operator".equals(s.decision().by())
                && s.command().toString().equals("move(direction=up, amount=large)")));

        System.out.println("console frames drawn by the page in the last second: " + text("fps") + " (total " + frames() + ")");
        Path shot = Path.of("target", "surefire-reports", "console-e2e.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        // e-stop: the loop ends and nothing is held
        browser.findElement(By.id("estop")).click();
        var result = session.result.get(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(session.target.actuator().held()).isEmpty();
        assertThat(session.target.game().heldKeys()).isEmpty();
        wait.until(d -> text("status").contains("stop") || text("status").contains("ended"));
    }

    private long frames() {
        return Long.parseLong(text("frame-count"));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }
}
