package dev.embody.fleet;

import java.util.regex.Pattern;

/**
 * The topics of one fleet, all under {@code embody/fleet/<fleet>/}. {@code profile} is the checkpoint store's name of a
 * profile (sim-game, desktop-xev, sim-robot): one shared policy per profile.
 *
 * <pre>
 * examples/&lt;profile&gt;/&lt;agent&gt;        agent -&gt; trainers, QoS 1, through $share/embody-&lt;fleet&gt;-&lt;profile&gt;/...
 * receipts/&lt;agent&gt;                  trainer -&gt; agent, QoS 1: which examples are on a trainer's disk
 * lease/&lt;profile&gt;                   retained: which trainer trains the profile's policy, until when
 * policy/&lt;profile&gt;                  retained: the announced policy every agent runs
 * checkpoints/&lt;profile&gt;/&lt;version&gt;   retained: one version's manifest (what an announcement of it says)
 * chunks/&lt;profile&gt;/&lt;version&gt;/&lt;i&gt;    retained: its bytes, a zip of checkpoint.json and params.ndlist
 * agents/&lt;agent&gt;                    retained: which version an agent runs, and what it refused last; its instance
 * agents/&lt;agent&gt;/probe/&lt;instance&gt;   a joining agent's echo: after it, any retained status of its id has come
 * </pre>
 */
public record FleetTopics(String fleet) {

    /** One topic level: what a fleet, agent, trainer or profile name may be. */
    public static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final String ROOT = "embody/fleet/";

    public FleetTopics {
        level("fleet name", fleet);
    }

    /** Refuses a name that is not one topic level (a '/', '+' or '#' would change which topics it names). */
    public static String level(String what, String name) {
        if (name == null || !LEVEL.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1-64 letters, digits, '.', '_' or '-' (one MQTT topic level), got '" + name + "'");
        }
        return name;
    }

    private String base() {
        return ROOT + fleet + "/";
    }

    public String examples(String profile, String agent) {
        return base() + "examples/" + profile + "/" + agent;
    }

    /** The shared subscription every trainer of a profile joins: each example goes to one of them. */
    public String sharedExamples(String profile) {
        return "$share/embody-" + fleet + "-" + profile + "/" + base() + "examples/" + profile + "/+";
    }

    public String receipts(String agent) {
        return base() + "receipts/" + agent;
    }

    public String lease(String profile) {
        return base() + "lease/" + profile;
    }

    public String policy(String profile) {
        return base() + "policy/" + profile;
    }

    public String manifest(String profile, String version) {
        return base() + "checkpoints/" + profile + "/" + version;
    }

    public String manifests(String profile) {
        return base() + "checkpoints/" + profile + "/+";
    }

    /** The chunks' topic prefix: chunk i is {@code prefix + i}. */
    public String chunks(String profile, String version) {
        return base() + "chunks/" + profile + "/" + version + "/";
    }

    public String agentStatus(String agent) {
        return base() + "agents/" + agent;
    }

    /** Where a joining agent hears its own message back: once it has, the broker sent any retained status of its id. */
    public String agentProbe(String agent, String instance) {
        return base() + "agents/" + agent + "/probe/" + instance;
    }

    public String agentStatuses() {
        return base() + "agents/+";
    }

    /** The last level of a topic (the agent of an example, the version of a manifest). */
    public static String last(String topic) {
        int i = topic.lastIndexOf('/');
        return i < 0 ? topic : topic.substring(i + 1);
    }
}
