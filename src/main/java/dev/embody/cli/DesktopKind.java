package dev.embody.cli;

import dev.embody.actuation.DesktopTarget;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Target;
import dev.embody.perception.DesktopGathering;
import dev.embody.perception.GameSceneParser;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.TemplateFinder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A program on the real X desktop, seen through screen capture and driven by real key and mouse events:
 * {@code --target desktop --calibration calibration/desktop/<name>.yaml}. The calibration says where the program is,
 * which skills drive it (skills/sim-game for the sim-window: the same skills, now sent as XTest key events) and which
 * parser reads it besides UI templates.
 */
final class DesktopKind implements TargetKind {

    static final Path DEFAULT_CALIBRATION = Path.of("calibration", "desktop", "sim-window.yaml");
    /** How long an episode waits for its window to appear (the program may still be starting). */
    static final Duration WINDOW_WAIT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "desktop";
    }

    static ScreenCalibration calibration(Map<String, String> options) throws Exception {
        return ScreenCalibration.load(Path.of(options.getOrDefault("calibration", DEFAULT_CALIBRATION.toString())));
    }

    @Override
    public Path skills(Map<String, String> options) throws Exception {
        return calibration(options).skills();
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        return DesktopTarget.open(calibration(spec.options()), WINDOW_WAIT);
    }

    @Override
    public InformationGathering gathering(EpisodeSpec spec) throws Exception {
        return gathering(calibration(spec.options()));
    }

    /** The program's own parser (if any) and its UI templates; end-of-episode banners are the target's, not the scene's. */
    static DesktopGathering gathering(ScreenCalibration cal) {
        Map<String, Path> ui = new LinkedHashMap<>(cal.templates());
        if (cal.endSuccess() != null) {
            ui.remove(cal.endSuccess());
        }
        if (cal.endFailure() != null) {
            ui.remove(cal.endFailure());
        }
        InformationGathering parser = "sim-game".equals(cal.parser()) ? GameSceneParser.forSimGame() : null;
        return new DesktopGathering(parser, ui.isEmpty() ? null : new TemplateFinder(ui, cal.scales(), cal.threshold()), cal.captures());
    }

    @Override
    public dev.embody.skill.TargetPrimitives primitives() {
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.DesktopActuator.PRIMITIVES);
    }
}
