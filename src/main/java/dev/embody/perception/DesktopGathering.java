package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;

import java.util.ArrayList;
import java.util.List;

/**
 * Information gathering on a desktop program: the program's own parser if it has one (the sim game's), plus every UI
 * template found on screen as an entity {@code template:<name>}, so a skill can {@code click: {at: template:save}}.
 */
public final class DesktopGathering implements InformationGathering, AutoCloseable {

    private final InformationGathering parser;
    private final TemplateFinder templates;

    /** @param parser null for a program with no parser of its own (then the scene holds templates only) */
    public DesktopGathering(InformationGathering parser, TemplateFinder templates) {
        this.parser = parser;
        this.templates = templates;
    }

    @Override
    public Scene gather(Observation observation, Memory memory) {
        var f = observation.frame();
        Scene base = parser == null ? Scene.empty(f.width(), f.height(), "px") : parser.gather(observation, memory);
        if (templates == null || templates.isEmpty()) {
            return base;
        }
        List<Entity> all = new ArrayList<>(base.entities());
        all.addAll(templates.findAll(f));
        return new Scene(base.width(), base.height(), base.units(), all, base.terrain());
    }

    @Override
    public void close() throws Exception {
        if (parser instanceof AutoCloseable c) {
            c.close();
        }
    }
}
