package dev.embody.vlm;

import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * New skills the model proposed, already checked like a skill file (YAML over the target's primitives, never code),
 * waiting for the operator: approved in the console (or at once with {@code --vlm-add-skills}), a proposal goes into
 * the loop's inbox as a skill taught, and the loop adds it between steps as it adds one the operator taught.
 */
public final class SkillProposals {

    private static final Logger log = LoggerFactory.getLogger(SkillProposals.class);

    /** One proposal: its id, the skill's name, the YAML, why the model wants it, and what became of it. */
    public record Proposal(int id, String skill, String yaml, String why, String at, String state) {
        Proposal with(String s) {
            return new Proposal(id, skill, yaml, why, at, s);
        }
    }

    private final boolean addAtOnce;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Proposal> all = new LinkedHashMap<>();
    private final Set<String> seen = new java.util.HashSet<>();
    private volatile OperatorInbox inbox;

    /** @param addAtOnce the operator said so beforehand ({@code --vlm-add-skills}): proposals are added without asking */
    public SkillProposals(boolean addAtOnce) {
        this.addAtOnce = addAtOnce;
    }

    /** The inbox approved skills go to (the live session's). */
    public void attach(OperatorInbox inbox) {
        this.inbox = inbox;
    }

    /** A checked proposal; one per skill name a session (the model proposes the same thing again and again). */
    public synchronized Optional<Proposal> propose(String skill, String yaml, String why) {
        if (!seen.add(skill)) {
            return Optional.empty();
        }
        Proposal p = new Proposal(ids.incrementAndGet(), skill, yaml, why, Instant.now().toString(), "waiting");
        all.put(p.id(), p);
        log.info("the model proposes a skill '{}' ({}): {}", skill, why, addAtOnce ? "added (--vlm-add-skills)" : "waiting for the operator's approval in the console");
        if (addAtOnce) {
            return Optional.of(decide(p.id(), true, "vlm --vlm-add-skills"));
        }
        return Optional.of(p);
    }

    /**
     * The operator's verdict on a waiting proposal.
     *
     * @throws IllegalArgumentException no waiting proposal has that id
     */
    public synchronized Proposal decide(int id, boolean approve, String channel) {
        Proposal p = all.get(id);
        if (p == null || !p.state().equals("waiting")) {
            throw new IllegalArgumentException(p == null ? "no skill proposal " + id : "skill proposal " + id + " is " + p.state() + " already");
        }
        OperatorInbox to = inbox;
        if (approve && to == null) {
            throw new IllegalArgumentException("no running loop to add the skill to");
        }
        Proposal done = p.with(approve ? "approved" : "rejected");
        all.put(id, done);
        if (approve) {
            to.submit(Intervention.of(Intervention.Kind.TEACH, p.yaml(), "model proposed skill '" + p.skill() + "': " + p.why(), channel));
        }
        log.info("skill proposal {} ('{}') {} ({})", id, p.skill(), done.state(), channel);
        return done;
    }

    public synchronized List<Proposal> all() {
        return new ArrayList<>(all.values());
    }

    public synchronized List<Proposal> waiting() {
        return all.values().stream().filter(p -> p.state().equals("waiting")).toList();
    }
}
