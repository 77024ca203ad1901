package dev.embody.cli;

import dev.embody.actuation.DesktopTarget;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillExecutor;
import dev.embody.perception.ScreenCalibration;
import dev.embody.profile.DesktopProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs commands (skill calls) once each on a calibrated desktop program: look (templates become entities), then act.
 * For driving a program step by step from a script or a test: {@code ./run act "click_template(template=save)"}.
 */
@Command(name = "act", mixinStandardHelpOptions = true,
        description = "Run skill commands once each on a desktop program (--calibration), looking at the screen before each.")
final class ActCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ActCommand.class);

    @Spec
    CommandSpec spec;
    @Option(names = "--calibration", defaultValue = "calibration/desktop/sim-window.yaml", description = "Calibration file (default: ${DEFAULT-VALUE}).")
    Path calibration;
    @Option(names = "--skills", description = "Skills folder (default: the calibration's 'skills').")
    Path skillsDir;
    @Option(names = "--wait", defaultValue = "10", description = "Seconds to wait for the program's window (default: ${DEFAULT-VALUE}).")
    double waitSeconds;
    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "Commands such as 'type_text(text=hello)' or 'hotkey(keys=save)'.")
    List<String> commands;

    @Override
    public Integer call() throws Exception {
        Options.of(spec).number("--wait", waitSeconds, 0, 3600, "seconds");
        DesktopProfile profile = new DesktopProfile(DesktopProfile.Config.of(TargetOptions.defaults().withCalibration(calibration).withSkills(skillsDir)));
        ScreenCalibration cal = profile.config().calibration();
        SkillLibrary library = profile.skills();
        List<SkillCall> calls = new ArrayList<>();
        for (String c : commands) {
            try {
                calls.add(library.normalize(SkillCall.parse(c)));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        SkillExecutor executor = new SkillExecutor(library);
        try (DesktopTarget target = DesktopTarget.open(cal, java.time.Duration.ofMillis((long) (waitSeconds * 1000)));
             Modules modules = profile.modules(library)) {
            var gathering = modules.gathering();
            var frames = target.frames();
            for (SkillCall call : calls) {
                Observation obs = frames.next();
                Scene scene = gathering.gather(obs, null);
                log.debug("scene before {}: {}", call, scene.summary());
                SkillExecutor.Execution ex;
                try {
                    ex = executor.run(call, scene, target.actuator(), () -> false);
                } finally {
                    target.actuator().releaseAll();
                }
                System.out.println("did " + call + ": " + String.join("; ", ex.sent()));
                System.out.flush();
            }
        }
        return Main.OK;
    }
}
