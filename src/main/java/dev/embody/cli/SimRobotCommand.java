package dev.embody.cli;

import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.RobotLimits;
import dev.embody.bench.SimRobotServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** ./run sim-robot --broker URL --id r1: the simulated tabletop robot as its own process, speaking only MQTT. */
@Command(name = "sim-robot", mixinStandardHelpOptions = true,
        description = "Run the simulated tabletop robot as its own process: commands, state, e-stop and camera frames over MQTT.")
final class SimRobotCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--broker", required = true, description = "MQTT broker URL, e.g. tcp://127.0.0.1:1883.")
    String broker;
    @Option(names = "--id", defaultValue = "r1", description = "Robot id: its topics are embody/robots/<id>/... (default: ${DEFAULT-VALUE}).")
    String id;
    @Option(names = "--seed", defaultValue = "1", description = "Where things are on the table (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--realtime", description = "Move on the wall clock (default: simulated time, each command's motion at once).")
    boolean realtime;
    @Option(names = "--mqtt-user", description = "MQTT username.")
    String user;
    @Option(names = "--mqtt-password", description = "MQTT password (or EMBODY_MQTT_PASSWORD).")
    String password;
    @Option(names = "--mqtt-version", defaultValue = "auto", description = "5, 3.1.1 or auto (default: ${DEFAULT-VALUE}).")
    String version;
    @Option(names = "--limits", defaultValue = "calibration/robot/limits.yaml", description = "The limits the robot enforces itself, whoever sends the command (default: ${DEFAULT-VALUE}).")
    Path limits;

    @Override
    public Integer call() throws Exception {
        Options check = Options.of(spec);
        check.broker("--broker", broker);
        check.topicLevel("--id", id);
        check.oneOf("--mqtt-version", version, Options.MQTT_VERSIONS);
        MqttOptions o = MqttOptions.of(broker, "embody-simrobot-" + id).withVersion(version);
        String pass = password != null ? password : System.getenv("EMBODY_MQTT_PASSWORD");
        if (user != null) {
            o = o.withCredentials(user, pass == null ? null : pass.toCharArray());
        }
        RobotLimits l = RobotLimits.load(limits);
        CountDownLatch done = new CountDownLatch(1);
        try (MqttLink link = MqttLink.connect(o); SimRobotServer robot = SimRobotServer.start(link, id, seed, l, realtime)) {
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown));
            System.out.println("sim-robot " + id + " on " + broker + " (MQTT " + link.protocol() + ", " + (realtime ? "real" : "simulated") + " time); topics " + robot.topicsPrefix() + "/" + id + "/#");
            System.out.flush();
            done.await();
        }
        return Main.OK;
    }
}
