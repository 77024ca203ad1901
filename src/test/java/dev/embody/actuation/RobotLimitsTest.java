package dev.embody.actuation;

import dev.embody.cli.Main;
import dev.embody.file.BadFileException;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What may leave for the robot, from any input: calibration/robot/limits.yaml, checked command by command. */
class RobotLimitsTest {

    @TempDir
    Path tmp;

    private static final double[] MIDDLE = {0.45, 0.30, 0};

    private static RobotLimits limits() throws BadFileException {
        return RobotLimits.load(Path.of("calibration/robot/limits.yaml"));
    }

    private static RobotMessages.Command move(Double distance, Double speed) {
        return new RobotMessages.Command("c1", "move", "forward", distance, speed, null, null, null);
    }

    private static RobotMessages.Command turn(Double angle, Double speed) {
        return new RobotMessages.Command("c1", "turn", "left", null, null, angle, speed, null);
    }

    @ParameterizedTest(name = "move {0} m at {1} m/s: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            NaN       | 0.1       | distance_m must be a finite number, got NaN
            Infinity  | 0.1       | distance_m must be a finite number, got Infinity
            -0.05     | 0.1       | move of -0.050 m is outside (0, 0.300] m
            0         | 0.1       | move of 0.000 m is outside (0, 0.300] m
            100       | 0.1       | move of 100.000 m is outside (0, 0.300] m
            0.05      | NaN       | speed_mps must be a finite number, got NaN
            0.05      | -Infinity | speed_mps must be a finite number, got -Infinity
            0.05      | Infinity  | speed_mps must be a finite number, got Infinity
            0.05      | 0         | speed_mps must be above 0, got 0.0
            0.05      | -0.1      | speed_mps must be above 0, got -0.1
            0.05      | 0.0001    | speed_mps 0.0001 is below the slowest allowed, 0.0020 m/s
            """)
    void aMoveOutsideTheLimitsNeverLeaves(double distance, double speed, String why) throws Exception {
        assertThatThrownBy(() -> limits().enforce(move(distance, speed), MIDDLE))
                .isInstanceOf(RobotLimits.LimitExceeded.class).hasMessage(why);
    }

    @ParameterizedTest(name = "turn {0} deg at {1} deg/s: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            NaN       | 90        | angle_deg must be a finite number, got NaN
            -Infinity | 90        | angle_deg must be a finite number, got -Infinity
            -15       | 90        | turn of -15.0 deg is outside (0, 180.0] deg
            0         | 90        | turn of 0.0 deg is outside (0, 180.0] deg
            720       | 90        | turn of 720.0 deg is outside (0, 180.0] deg
            15        | NaN       | speed_dps must be a finite number, got NaN
            15        | 0         | speed_dps must be above 0, got 0.0
            15        | -90       | speed_dps must be above 0, got -90.0
            15        | 0.01      | speed_dps 0.0100 is below the slowest allowed, 1.8000 deg/s
            """)
    void aTurnOutsideTheLimitsNeverLeaves(double angle, double speed, String why) throws Exception {
        assertThatThrownBy(() -> limits().enforce(turn(angle, speed), MIDDLE))
                .isInstanceOf(RobotLimits.LimitExceeded.class).hasMessage(why);
    }

    @Test
    void tooFastIsSlowedAndNoSpeedGetsTheDefault() throws Exception {
        RobotLimits l = limits();
        assertThat(l.enforce(move(0.05, 1e9), MIDDLE).speedMps()).isEqualTo(0.20);
        assertThat(l.enforce(turn(15.0, 1e9), MIDDLE).speedDps()).isEqualTo(180);
        assertThat(l.enforce(move(0.05, null), MIDDLE).speedMps()).isEqualTo(0.10);
        assertThat(l.enforce(turn(15.0, null), MIDDLE).speedDps()).isEqualTo(90);
        RobotMessages.Command ok = l.enforce(move(0.05, 0.15), MIDDLE);
        assertThat(ok.distanceM()).isEqualTo(0.05);
        assertThat(ok.speedMps()).isEqualTo(0.15);
    }

    @Test
    void aMoveNeedsAKnownFinitePoseAndAnEndInsideTheWorkspace() throws Exception {
        RobotLimits l = limits();
        assertThatThrownBy(() -> l.enforce(move(0.05, null), null)).hasMessage("no pose heard from the robot yet: the workspace cannot be checked");
        assertThatThrownBy(() -> l.enforce(move(0.05, null), new double[]{Double.NaN, 0.3, 0}))
                .hasMessage("the robot's last reported pose (NaN, 0.300, 0.0 deg) is not finite: the workspace cannot be checked");
        assertThatThrownBy(() -> l.enforce(move(0.10, null), new double[]{0.80, 0.30, 0}))
                .hasMessage("move would leave the workspace: (0.900, 0.300) is outside x 0.06..0.84, y 0.06..0.54");
        // a turn goes anywhere a pose is: no pose needed
        assertThat(l.enforce(turn(15.0, null), null).angleDeg()).isEqualTo(15.0);
    }

    @Test
    void aCommandWithoutADirectionOrAnOpIsRefusedAndAStopCarriesNoMotion() throws Exception {
        RobotLimits l = limits();
        assertThatThrownBy(() -> l.enforce(new RobotMessages.Command("c", "move", null, 0.05, null, null, null, null), MIDDLE))
                .hasMessage("move needs direction forward or back, got null");
        assertThatThrownBy(() -> l.enforce(new RobotMessages.Command("c", "move", "forward", null, null, null, null, null), MIDDLE))
                .hasMessage("move needs distance_m");
        assertThatThrownBy(() -> l.enforce(new RobotMessages.Command("c", "turn", "left", null, null, null, null, null), MIDDLE))
                .hasMessage("turn needs angle_deg");
        assertThatThrownBy(() -> l.enforce(new RobotMessages.Command("c", null, null, null, null, null, null, null), MIDDLE))
                .hasMessage("a command needs an op (move, turn or stop)");
        assertThatThrownBy(() -> l.enforce(new RobotMessages.Command("c", "fly", null, null, null, null, null, null), MIDDLE))
                .hasMessage("unknown op 'fly' (expected move, turn or stop)");
        RobotMessages.Command stop = l.enforce(new RobotMessages.Command("c", "stop", "forward", 9.0, 9.0, null, null, 5L), MIDDLE);
        assertThat(stop).isEqualTo(new RobotMessages.Command("c", "stop", null, null, null, null, null, 5L));
    }

    private static final String GOOD = """
            max_speed_mps: 0.20
            max_turn_dps: 180
            default_speed_mps: 0.10
            default_turn_dps: 90
            max_distance_m: 0.30
            max_angle_deg: 180
            workspace:
              x_min: 0.06
              y_min: 0.06
              x_max: 0.84
              y_max: 0.54
            """;

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            'max_speed_mps: 0.20'       | 'max_speed_mps: -0.2'        | 1: 'max_speed_mps' must be a finite number above 0, got -0.2
            'max_turn_dps: 180'         | 'max_turn_dps: .nan'         | 2: not valid YAML: Malformed numeric value '.nan'
            'max_turn_dps: 180'         | 'max_turn_dps: NaN'          | 2: 'max_turn_dps' must be a number, got 'NaN'
            'max_distance_m: 0.30'      | 'max_distance_m: 1e999'      | 5: 'max_distance_m' must be a finite number above 0, got Infinity
            'max_angle_deg: 180'        | 'max_angle_deg: 0'           | 6: 'max_angle_deg' must be a finite number above 0, got 0
            'max_speed_mps: 0.20'       | 'max_speed_mps: fast'        | 1: 'max_speed_mps' must be a number, got 'fast'
            'default_speed_mps: 0.10'   | 'default_speed_mps: 0.5'     | 3: 'default_speed_mps' 0.5 is above max_speed_mps 0.2
            'default_turn_dps: 90'      | 'default_turn_dps: -90'      | 4: 'default_turn_dps' must be a finite number above 0, got -90
            'default_turn_dps: 90'      | 'defualt_turn_dps: 90'       | 4: unknown key 'defualt_turn_dps' (expected max_speed_mps, max_turn_dps, max_distance_m, max_angle_deg, default_speed_mps, default_turn_dps, min_speed_mps, min_turn_dps, workspace)
            'x_max: 0.84'               | 'x_max: 0.04'                | 10: workspace is empty: x_min 0.06 must be below x_max 0.04
            'y_min: 0.06'               | 'y_min: -1e999'              | 9: 'y_min' must be a finite number, got -Infinity
            'y_max: 0.54'               | 'y_mix: 0.54'                | 11: unknown key 'y_mix' in workspace (expected x_min, y_min, x_max, y_max)
            """)
    void aLimitsFileThatMakesNoSenseIsRejectedWithItsLine(String good, String bad, String why) throws Exception {
        Path f = tmp.resolve("limits.yaml");
        Files.writeString(f, GOOD.replace(good, bad));
        assertThatThrownBy(() -> RobotLimits.load(f)).isInstanceOf(BadFileException.class).hasMessage(f + ":" + why);
    }

    @Test
    void aMissingLimitIsNamedAndTheCommandLineExitsThree() throws Exception {
        Path f = tmp.resolve("limits.yaml");
        Files.writeString(f, GOOD.replace("max_distance_m: 0.30\n", ""));
        assertThatThrownBy(() -> RobotLimits.load(f)).hasMessage(f + ":1: 'max_distance_m' is missing (the longest single move, metres)");

        // the same file in a calibration folder: live refuses to start, exit 3, nothing moves
        Path cal = tmp.resolve("calibration");
        Files.createDirectories(cal);
        for (String name : new String[]{"camera.yaml", "homography.yaml", "markers.yaml"}) {
            Files.copy(Path.of("calibration/robot", name), cal.resolve(name));
        }
        Files.writeString(cal.resolve("limits.yaml"), GOOD.replace("max_speed_mps: 0.20", "max_speed_mps: -1"));
        CliRun r = CliRun.of("live", "--target", "sim-robot", "--episodes", "1", "--calibration", cal.toString(),
                "--episodes-dir", tmp.resolve("eps").toString(), "--memory", tmp.resolve("mem").toString());
        assertThat(r.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(r.err()).contains("error: " + cal.resolve("limits.yaml") + ":1: 'max_speed_mps' must be a finite number above 0, got -1");
    }

    @Test
    void theShippedLimitsLoad() throws Exception {
        RobotLimits l = limits();
        assertThat(l).as("the constant a robot without a limits file uses is the shipped file").isEqualTo(RobotLimits.SIM_TABLE);
        assertThat(l.maxSpeedMps()).isEqualTo(0.20);
        assertThat(l.minSpeedMps()).isEqualTo(0.002);
        assertThat(l.minTurnDps()).isEqualTo(1.8);
        assertThat(l.inside(0.45, 0.30)).isTrue();
        assertThat(l.inside(Double.NaN, 0.30)).isFalse();
    }
}
