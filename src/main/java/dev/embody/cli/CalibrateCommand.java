package dev.embody.cli;

import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.perception.CameraCalibration;
import dev.embody.perception.CameraIntrinsics;
import dev.embody.perception.TableCalibration;
import dev.embody.perception.TableSceneParser;
import dev.embody.profile.SimRobotProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * ./run calibrate screen | camera | robot: a desktop program's region on screen; camera intrinsics from chessboard views;
 * the image-to-table homography from markers. Each writes files under calibration/.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate a desktop program (screen), a camera (intrinsics) or a robot's table (homography); writes files under calibration/.",
        subcommands = {CalibrateScreenCommand.class, CalibrateCommand.Camera.class, CalibrateCommand.Robot.class})
final class CalibrateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to calibrate: screen, camera or robot");
    }

    @Command(name = "camera", mixinStandardHelpOptions = true,
            description = "Camera intrinsics and distortion from chessboard images; prints the reprojection error and writes camera.yaml.")
    static final class Camera implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--images", description = "Folder of chessboard views (png, jpg).")
        Path images;
        @Option(names = "--synthetic", description = "Render N chessboard views through the simulated table camera and calibrate from them.")
        Integer synthetic;
        @Option(names = "--board", defaultValue = "9x6", description = "Inner corners, COLSxROWS (default: ${DEFAULT-VALUE}).")
        String board;
        @Option(names = "--square", defaultValue = "0.025", description = "Square side in metres (default: ${DEFAULT-VALUE}).")
        double square;
        @Option(names = "--out", defaultValue = "calibration/robot/camera.yaml", description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            String[] b = board.toLowerCase(Locale.ROOT).split("x");
            // a board needs at least 2x2 inner corners to give a plane; more than 100 a side is a typo
            if (b.length != 2 || !b[0].matches("\\d{1,3}") || !b[1].matches("\\d{1,3}") || Integer.parseInt(b[0]) < 2 || Integer.parseInt(b[1]) < 2) {
                throw o.refused("--board must be COLSxROWS of inner corners, each at least 2, e.g. 9x6, got '" + board + "'");
            }
            int cols = Integer.parseInt(b[0]), rows = Integer.parseInt(b[1]);
            o.above("--square", square, 0, 1, "metres");
            if (synthetic != null) {
                o.whole("--synthetic", synthetic, 3, 200);
            }
            if ((images == null) == (synthetic == null)) {
                throw new ParameterException(spec.commandLine(), "give either --images DIR or --synthetic N");
            }
            List<Frame> views = new ArrayList<>();
            SimRobotProfile.RenderedViews truth = null;
            if (synthetic != null) {
                truth = SimRobotProfile.chessboardViews(cols, rows, square, synthetic);
                Path dir = Main.runDir().resolve("chessboard");
                Files.createDirectories(dir);
                views = truth.views();
                for (int i = 0; i < views.size(); i++) {
                    ImageIO.write(views.get(i).toImage(), "png", dir.resolve(String.format("view-%02d.png", i)).toFile());
                }
                System.err.println("rendered " + views.size() + " chessboard views into " + dir);
            } else {
                if (!Files.isDirectory(images)) {
                    throw new ParameterException(spec.commandLine(), "--images " + images + " is not a folder");
                }
                try (Stream<Path> s = Files.list(images)) {
                    for (Path p : s.sorted().filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g|bmp)$")).toList()) {
                        BufferedImage img = ImageIO.read(p.toFile());
                        if (img == null) {
                            throw new dev.embody.file.BadFileException(p, 0, "not an image ImageIO can read");
                        }
                        views.add(Frame.of(img));
                    }
                }
            }
            CameraCalibration cal = new CameraCalibration(cols, rows, square);
            int i = 0;
            for (Frame f : views) {
                boolean found = cal.add(f);
                System.err.printf(Locale.ROOT, "view %d/%d: board %s%n", ++i, views.size(), found ? "found" : "not found (skipped)");
            }
            CameraIntrinsics k = cal.calibrate();
            k.save(out);
            System.out.printf(Locale.ROOT, "camera: views=%d/%d reprojection_rms_px=%.3f fx=%.2f fy=%.2f cx=%.2f cy=%.2f k1=%.4f k2=%.4f out=%s%n",
                    cal.views(), views.size(), k.rmsPixels(), k.fx(), k.fy(), k.cx(), k.cy(), k.distortion()[0], k.distortion()[1], out);
            if (truth != null) {
                System.out.printf(Locale.ROOT, "against the rendering camera: fx %+.2f%% fy %+.2f%% cx %+.2f%% cy %+.2f%%%n",
                        pct(k.fx(), truth.fx()), pct(k.fy(), truth.fy()), pct(k.cx(), truth.cx()), pct(k.cy(), truth.cy()));
            }
            return Main.OK;
        }

        private static double pct(double got, double want) {
            return (got - want) / want * 100;
        }
    }

    @Command(name = "robot", mixinStandardHelpOptions = true,
            description = "The homography from camera pixels to the table plane (metres) from >= 4 markers at known positions; writes homography.yaml.")
    static final class Robot implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--image", description = "A camera frame (png, jpg) showing the markers.")
        Path image;
        @Option(names = "--target", description = "'sim-robot': take the frame from the simulated robot's camera over MQTT (embedded broker).")
        String target;
        @Option(names = "--markers", description = "YAML with the markers' table positions: markers: {ID: [x, y]} (default for sim-robot: the simulated table's).")
        Path markers;
        @Option(names = "--camera", defaultValue = "calibration/robot/camera.yaml", description = "Camera intrinsics (default: ${DEFAULT-VALUE}).")
        Path camera;
        @Option(names = "--out", defaultValue = "calibration/robot/homography.yaml", description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if ((image == null) == (target == null)) {
                throw new ParameterException(spec.commandLine(), "give either --image FILE or --target sim-robot");
            }
            if (target != null && !target.equals("sim-robot")) {
                throw new ParameterException(spec.commandLine(), "--target must be sim-robot (for a real robot, save a frame and use --image), got '" + target + "'");
            }
            CameraIntrinsics k = CameraIntrinsics.load(camera);
            Map<Integer, double[]> known = new LinkedHashMap<>();
            if (markers != null) {
                known = TableCalibration.loadMarkers(markers);
            } else if (target != null) {
                known = SimRobotProfile.tableMarkers();
            } else {
                throw new ParameterException(spec.commandLine(), "--markers FILE is needed with --image");
            }
            Frame frame;
            SimRobotProfile.TableShot shot = null;
            if (image != null) {
                BufferedImage img = ImageIO.read(image.toFile());
                if (img == null) {
                    throw new dev.embody.file.BadFileException(image, 0, "not an image ImageIO can read");
                }
                frame = Frame.of(img);
            } else {
                shot = SimRobotProfile.tableShot();
                frame = shot.frame();
                System.err.println("took frame " + shot.index() + " from " + shot.topic() + " over MQTT (" + shot.protocol() + ")");
            }
            TableCalibration.Result r = TableCalibration.fit(frame, k, known);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("markers", r.residuals().stream().map(x -> Map.of("id", x.id(), "x", x.x(), "y", x.y(), "error_m", x.error())).toList());
            r.homography().save(out, extra);
            for (TableCalibration.Residual x : r.residuals()) {
                System.out.printf(Locale.ROOT, "marker %d at (%.3f, %.3f) m: maps to (%.4f, %.4f), off by %.2f mm%n", x.id(), x.x(), x.y(), x.fitX(), x.fitY(), x.error() * 1000);
            }
            System.out.printf(Locale.ROOT, "robot: markers=%d homography_rms_mm=%.2f max_mm=%.2f out=%s%n", r.residuals().size(),
                    r.homography().rmsMetres() * 1000, r.homography().maxMetres() * 1000, out);
            if (shot != null) {
                // the simulation knows where the robot and target really are: check the markers the fit did not use
                try (TableSceneParser parser = new TableSceneParser(k, r.homography(), TableSceneParser.DEFAULT_KINDS, shot.tableWidth(), shot.tableDepth())) {
                    var scene = parser.gather(new Observation(0, 0, frame), null);
                    for (Map.Entry<String, double[]> truth : shot.truth().entrySet()) {
                        double[] t = truth.getValue();
                        String kind = truth.getKey();
                        scene.first(kind).ifPresent(e -> System.out.printf(Locale.ROOT, "check: %s marker (not used in the fit) off by %.2f mm%n", kind,
                                1000 * Math.hypot(e.x() - t[0], e.y() - t[1])));
                    }
                }
            }
            return Main.OK;
        }
    }
}
