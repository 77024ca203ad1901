package dev.embody.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;
import dev.embody.loop.Memory;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Task;
import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillFolder;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.SkillLoader;
import dev.embody.skill.TargetPrimitives;
import dev.embody.vlm.AnswerSchema;
import dev.embody.vlm.Asking;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.PromptFacts;
import dev.embody.vlm.Question;
import dev.embody.vlm.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Skill curation by a vision-language model: from the subtask, the skills and memory, the commands of the library
 * that fit now, best first, and optionally a new skill it proposes ({@code prompts/curation.md}, schema
 * {@code embody_curation}). Every command must be the library's (the schema's enum, checked again on arrival); the
 * operator's standing notes still rule commands out. A proposed skill is YAML over the target's primitives, checked as
 * a skill file is ({@link SkillLoader#parse}, the target's primitives, {@link SkillFolder} against the library) and
 * only ever added when the operator approves it ({@link dev.embody.vlm.SkillProposals}); a proposal that fails the
 * check is refused with its reason and costs the commands nothing. Model output is never run as code.
 * The curation interface carries no frame: the model is told the scene in words (entities and places in the scene's
 * units), with the subtask.
 */
public final class VlmCuration implements SkillCuration {

    private static final Logger log = LoggerFactory.getLogger(VlmCuration.class);
    static final String MODULE = "curation";

    private final SkillCuration local;
    private final ModelSession session;
    private final TargetPrimitives primitives;
    private final Asking<Curated> asking;
    private long asked = -1;

    record Curated(List<SkillCall> commands, String reason, JsonNode proposal) {
    }

    public VlmCuration(SkillCuration local, ModelSession session, TargetPrimitives primitives) {
        this.local = local;
        this.session = session;
        this.primitives = primitives;
        this.asking = session.asking(MODULE);
        asking.forget();
    }

    @Override
    public List<SkillCall> curate(Task task, Scene scene, SkillLibrary library, Memory memory) {
        List<SkillCall> mine = local.curate(task, scene, library, memory);
        long frame = ++asked;
        Reply<Curated> r = asking.reply(frame, () -> {
            Map<String, String> facts = new PromptFacts().memory(memory, MODULE).skills(library).commands(library, library.commands())
                    .primitives(primitives.names()).goal(task.goal()).scene(scene).values();
            List<String> all = library.commands().stream().map(SkillCall::toString).toList();
            return () -> {
                Map<String, String> v = new LinkedHashMap<>(facts);
                v.put("subtask", task.subtask() + " (" + task.kind() + ")");
                return new Question(MODULE, session.prompts().fill(MODULE, v), List.of(), schema(all), a -> problem(a, library));
            };
        }, (a, q) -> read(a, library));
        if (r.has() && (session.waits() || r.ageSeconds() <= session.settings().maxAge().toMillis() / 1000.0)
                && r.value().commands().stream().allMatch(c -> library.indexOf(c) >= 0)) {
            if (r.isNew()) {
                session.used(MODULE);
                propose(r.value().proposal(), library);
            }
            List<SkillCall> allowed = Prohibitions.apply(r.value().commands(), library, memory, MODULE);
            if (!allowed.isEmpty()) {
                return allowed;
            }
            session.note(MODULE, "the standing notes rule out every command the model chose; local curation");
        } else if (r.failure() != null) {
            session.fellBack(MODULE, r.failure().summary());
            session.note(MODULE, "the model's answer was not usable, " + r.failure().summary() + "; local curation");
        }
        return mine;
    }

    static AnswerSchema schema(List<String> commands) {
        Map<String, ObjectNode> skill = new LinkedHashMap<>();
        skill.put("yaml", AnswerSchema.text(4000));
        skill.put("why", AnswerSchema.text(300));
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("commands", AnswerSchema.list(AnswerSchema.oneOf(commands), Math.max(1, commands.size())));
        p.put("reason", AnswerSchema.text(300));
        p.put("proposed_skill", AnswerSchema.orNull(AnswerSchema.objectNode(skill)));
        return AnswerSchema.object("embody_curation", p);
    }

    private static String problem(JsonNode a, SkillLibrary library) {
        if (a.get("commands").isEmpty()) {
            return "no command chosen: at least one of the library's commands must fit";
        }
        for (JsonNode c : a.get("commands")) {
            try {
                SkillCall call = library.normalize(SkillCall.parse(c.asText()));
                if (library.indexOf(call) < 0) {
                    return "'" + c.asText() + "' is not a command of the library";
                }
            } catch (IllegalArgumentException e) {
                return "'" + c.asText() + "' is not a command of the library: " + e.getMessage();
            }
        }
        return null;
    }

    private static Curated read(JsonNode a, SkillLibrary library) {
        List<SkillCall> out = new ArrayList<>();
        for (JsonNode c : a.get("commands")) {
            SkillCall call = library.normalize(SkillCall.parse(c.asText()));
            if (!out.contains(call)) {
                out.add(call);
            }
        }
        return new Curated(out, a.get("reason").asText(), a.get("proposed_skill"));
    }

    /** A proposed skill, checked as a skill file would be; one that passes waits for the operator. */
    private void propose(JsonNode p, SkillLibrary library) {
        if (p == null || p.isNull()) {
            return;
        }
        String yaml = p.get("yaml").asText();
        try {
            Skill s = check(yaml, library, primitives);
            session.proposals().propose(s.name(), yaml, p.get("why").asText());
        } catch (BadFileException e) {
            log.warn("the model's proposed skill is refused: {}", e.getMessage());
            session.note(MODULE, "proposed skill refused: " + e.reason());
        }
    }

    /**
     * A proposed skill checked as a skill file: its YAML, its primitives against the target's, its name and commands
     * against the library.
     *
     * @throws BadFileException naming what is wrong, as for a file {@code proposed/<name>.yaml}
     */
    public static Skill check(String yaml, SkillLibrary library, TargetPrimitives primitives) throws BadFileException {
        Skill s = SkillLoader.parse(Path.of("proposed", "skill.yaml"), yaml);
        for (Primitive prim : s.body()) {
            if (!primitives.allows(prim.kind())) {
                throw new BadFileException(Path.of("proposed", s.name() + ".yaml"), prim.line(), primitives.refusal(prim.kind()));
            }
        }
        try {
            SkillFolder.inMemory().teach(yaml, library);
        } catch (java.io.IOException e) {
            throw new BadFileException(Path.of("proposed", s.name() + ".yaml"), 0, e.getMessage());
        }
        return s;
    }
}
