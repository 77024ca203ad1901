package dev.embody.cli;

import dev.embody.actuation.MqttOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.UUID;

/** How to reach a fleet: its broker (MQTT 5), its name, the folder its members keep their records in (a picocli mixin). */
final class FleetConnection {

    @Option(names = "--fleet", description = "Fleet: the MQTT 5 broker the fleet meets on (tcp://host:1883, ssl://host:8883; a cluster's load balancer).")
    String broker;
    @Option(names = "--fleet-name", defaultValue = "embody", description = "Fleet: its name, the topics' second level embody/fleet/<name>/... (default: ${DEFAULT-VALUE}).")
    String name;
    @Option(names = "--fleet-dir", description = "Fleet: where this member keeps its records (an agent's spool, a trainer's dataset and the checkpoints; trainers of one fleet share it) (default: fleet/<name>).")
    Path dir;
    @Option(names = "--fleet-user", description = "Fleet: MQTT username.")
    String user;
    @Option(names = "--fleet-password", description = "Fleet: MQTT password (or the EMBODY_FLEET_PASSWORD environment variable).")
    String password;
    @Option(names = "--fleet-truststore", description = "Fleet: trust store (JKS/PKCS12) for an ssl:// broker; default: the JVM's.")
    Path trustStore;

    boolean given() {
        return broker != null;
    }

    /** Checks the options (exit 2 naming the bad one); {@code required}: the command needs --fleet. */
    void check(CommandSpec spec, boolean required) {
        Options o = Options.of(spec);
        o.needs(!required || broker != null, "--fleet tcp://host:1883 is needed: the MQTT 5 broker the fleet meets on");
        o.broker("--fleet", broker);
        o.topicLevel("--fleet-name", name);
        o.file("--fleet-truststore", trustStore);
    }

    Path folder() {
        return dir != null ? dir : Path.of("fleet", name);
    }

    /** The broker's options for one member (a client id of its own, MQTT 5 only: shared subscriptions need it). */
    MqttOptions options(String member) {
        String pass = password != null ? password : System.getenv("EMBODY_FLEET_PASSWORD");
        MqttOptions o = MqttOptions.of(broker, "embody-fleet-" + name + "-" + member + "-" + UUID.randomUUID().toString().substring(0, 6)).withVersion("5");
        if (user != null) {
            o = o.withCredentials(user, pass == null ? null : pass.toCharArray());
        }
        if (trustStore != null) {
            o = o.withTrustStore(trustStore, null);
        }
        return o;
    }
}
