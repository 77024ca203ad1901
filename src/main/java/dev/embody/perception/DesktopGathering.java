package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Information gathering on a desktop program: the program's own parser if it has one (the sim game's), plus every UI
 * template found on screen as an entity {@code template:<name>}, so a skill can {@code click: {at: template:save}}.
 */
public final class DesktopGathering implements InformationGathering, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DesktopGathering.class);

    private final InformationGathering parser;
    private final TemplateFinder templates;
    private final Map<String, TemplateCapture> captures;
    private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    private boolean first = true;

    /** @param parser null for a program with no parser of its own (then the scene holds templates only) */
    public DesktopGathering(InformationGathering parser, TemplateFinder templates) {
        this(parser, templates, Map.of());
    }

    /**
     * @param captures how well each template matched when it was captured: a weaker best match at the episode's start,
     *                 or a weaker find later, is warned about once (the template may come from another machine or an
     *                 older version of the program)
     */
    public DesktopGathering(InformationGathering parser, TemplateFinder templates, Map<String, TemplateCapture> captures) {
        this.parser = parser;
        this.templates = templates;
        this.captures = Map.copyOf(captures);
    }

    /** The warnings about weaker template matches given so far (also logged). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public Scene gather(Observation observation, Memory memory) {
        var f = observation.frame();
        Scene base = parser == null ? Scene.empty(f.width(), f.height(), "px") : parser.gather(observation, memory);
        if (templates == null || templates.isEmpty()) {
            return base;
        }
        List<Entity> all = new ArrayList<>(base.entities());
        for (TemplateFinder.Match m : templates.bestOfEach(f)) {
            boolean found = m.score() >= templates.threshold();
            if (found) {
                all.add(m.entity());
            }
            check(m, found);
        }
        first = false;
        return new Scene(base.width(), base.height(), base.units(), all, base.terrain());
    }

    /** Compares a match with the template's at capture: at the start, the best match of one seen then; later, a find. */
    private void check(TemplateFinder.Match m, boolean found) {
        TemplateCapture c = captures.get(m.name());
        if (c == null || !c.seenAtCapture(templates.threshold()) || !c.weaker(m.score()) || !(first || found) || !warned.add(m.name())) {
            return;
        }
        String w = String.format(java.util.Locale.ROOT, first
                        ? "template '%s' matches the screen at most %.3f at the episode's start, against %s: if the program shows it now, "
                        + "capture it again on this machine (calibrate screen --template-image %s=IMAGE)"
                        : "template '%s' found at only %.3f, against %s: it may be stale; capture it again on this machine "
                        + "(calibrate screen --template-image %s=IMAGE)",
                m.name(), m.score(), c.describe(), m.name());
        warnings.add(w);
        log.warn(w);
    }

    @Override
    public void close() throws Exception {
        if (parser instanceof AutoCloseable c) {
            c.close();
        }
    }
}
