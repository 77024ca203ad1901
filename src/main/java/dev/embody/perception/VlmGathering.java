package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Entity;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.vlm.AnswerSchema;
import dev.embody.vlm.Asking;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.PromptFacts;
import dev.embody.vlm.Question;
import dev.embody.vlm.Reply;
import dev.embody.vlm.SentImage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Information gathering by a vision-language model: the entities it sees, each with its box in the image's pixels
 * ({@code prompts/gathering.md}, schema {@code embody_gathering}), mapped back through the downscale into the frame's
 * own pixels. A box outside the image is a bad answer. The scene keeps the local module's terrain (a grid no model
 * draws), so a local planner can still find paths. The local gathering runs every step; its scene stands in whenever
 * the model has nothing usable, and beside the loop once the model's last scene is older than {@code --vlm-max-age}.
 * Only for scenes in pixels (screens): a robot's table plane in metres is not what a model's boxes are in.
 */
public final class VlmGathering implements InformationGathering, AutoCloseable {

    static final String MODULE = "gathering";
    /** Entities an answer may list. */
    static final int MAX_ENTITIES = 60;

    private final InformationGathering local;
    private final ModelSession session;
    private final Asking<List<Entity>> asking;

    public VlmGathering(InformationGathering local, ModelSession session) {
        this.local = local;
        this.session = session;
        this.asking = session.asking(MODULE);
        asking.forget();
    }

    @Override
    public Scene gather(Observation obs, Memory memory) {
        Scene mine = local.gather(obs, memory);
        if (!"px".equals(mine.units())) {
            session.note(MODULE, "the scene is in " + mine.units() + ", not pixels: the model's boxes cannot be placed in it; local gathering");
            return mine;
        }
        Reply<List<Entity>> r = asking.reply(obs.index(), () -> {
            Map<String, String> facts = new PromptFacts().memory(memory, MODULE).values();
            return () -> {
                SentImage image = SentImage.of(obs.frame(), session.settings().imageSide());
                Map<String, String> all = new LinkedHashMap<>(facts);
                all.putAll(new PromptFacts().image(image).values());
                return new Question(MODULE, session.prompts().fill(MODULE, all), List.of(image), schema(), a -> problem(a, image));
            };
        }, (a, q) -> read(a, q.images().get(0)));
        if (r.has() && (session.waits() || r.ageSeconds() <= session.settings().maxAge().toMillis() / 1000.0)) {
            if (r.isNew()) {
                session.used(MODULE);
            }
            return new Scene(mine.width(), mine.height(), mine.units(), r.value(), mine.terrain());
        }
        if (r.failure() != null) {
            session.fellBack(MODULE, r.failure().summary());
            session.note(MODULE, "the model's answer was not usable, " + r.failure().summary() + "; local gathering");
        }
        return mine;
    }

    static AnswerSchema schema() {
        Map<String, ObjectNode> box = new LinkedHashMap<>();
        box.put("x0", AnswerSchema.number());
        box.put("y0", AnswerSchema.number());
        box.put("x1", AnswerSchema.number());
        box.put("y1", AnswerSchema.number());
        Map<String, ObjectNode> entity = new LinkedHashMap<>();
        entity.put("kind", AnswerSchema.text(40));
        entity.put("box", AnswerSchema.objectNode(box));
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("entities", AnswerSchema.list(AnswerSchema.objectNode(entity), MAX_ENTITIES));
        p.put("reason", AnswerSchema.text(300));
        return AnswerSchema.object("embody_gathering", p);
    }

    /** Boxes must lie on the image, corners in order. */
    private static String problem(JsonNode a, SentImage image) {
        for (JsonNode e : a.get("entities")) {
            JsonNode b = e.get("box");
            double x0 = b.get("x0").asDouble(), y0 = b.get("y0").asDouble(), x1 = b.get("x1").asDouble(), y1 = b.get("y1").asDouble();
            if (!image.inside(x0, y0) || !image.inside(x1, y1) || x1 < x0 || y1 < y0) {
                return String.format(Locale.ROOT, "the box of '%s', (%.0f, %.0f)-(%.0f, %.0f), is not inside the %dx%d image", e.get("kind").asText(),
                        x0, y0, x1, y1, image.width(), image.height());
            }
        }
        return null;
    }

    /** Entities with their boxes in the frame's pixels: centre, width and height. */
    private static List<Entity> read(JsonNode a, SentImage image) {
        List<Entity> out = new ArrayList<>();
        for (JsonNode e : a.get("entities")) {
            JsonNode b = e.get("box");
            double x0 = image.toFrameX(b.get("x0").asDouble()), y0 = image.toFrameY(b.get("y0").asDouble());
            double x1 = image.toFrameX(b.get("x1").asDouble()), y1 = image.toFrameY(b.get("y1").asDouble());
            String kind = e.get("kind").asText().strip().toLowerCase(Locale.ROOT);
            out.add(new Entity(kind, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0));
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (local instanceof AutoCloseable c) {
            c.close();
        }
    }
}
