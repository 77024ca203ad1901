package dev.embody.episode;

import com.fasterxml.jackson.annotation.JsonFilter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.impl.SimpleBeanPropertyFilter;
import com.fasterxml.jackson.databind.ser.impl.SimpleFilterProvider;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.embody.loop.Latency;
import dev.embody.loop.Step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line of an episode's steps.jsonl, as written and as read: the one mapping of the step format (meta.json's
 * {@code step_format}). Fields the format leaves out are null here and absent on the line; {@code target_ms} and
 * {@code frame} (a step whose capture failed) and {@code command} and {@code by} (a step failed before its decision)
 * are written as explicit nulls. A failed step has {@code failed_at} (one of {@link Latency#PARTS}) and {@code error},
 * and only the fields of the parts before it.
 *
 * @param inputWindowMs where a person demonstrated: the step's window, which the {@code input} events are timed from
 * @param unmapped      the person's input that maps to no skill, where some does
 * @param memoryUsed    what the modules took from memory this step
 * @param state         the target's state as the frame was taken (a robot's pose, named by meta.json's state_names)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonFilter(StepRecord.PRESENCE)
public record StepRecord(Long step, long wallMs,
                         @JsonInclude(JsonInclude.Include.ALWAYS) Double targetMs,
                         @JsonInclude(JsonInclude.Include.ALWAYS) Long frame,
                         String scene, List<EntityAt> entities, Reflection reflection, Task task, List<String> candidates,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String command,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String by,
                         String why, Map<String, Double> scores, Double inputWindowMs, List<InputEvent> input,
                         List<String> unmapped, String correction, List<String> sent, boolean interrupted, String outcome,
                         Boolean failed, String failedAt, String error, Map<String, Double> latencyMs, boolean overran,
                         List<Applied> applied, List<Citation> memoryUsed, List<Double> state) {

    /** The step format this build writes, and the newest it reads (meta.json's {@code step_format}; 1 where absent). */
    public static final int FORMAT = 1;
    static final String PRESENCE = "step-format";

    /** Reads and writes step lines: strict about types (no "3" for 3, no 2.5 for a whole number), and nothing else. */
    static final ObjectMapper JSON = mapper();

    /** A thing the step's scene held, written as {@code [kind, x, y]}. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record EntityAt(String kind, double x, double y) {
    }

    /** What self-reflection made of the step; a field an older recording lacks is null. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Reflection(Boolean moved, Boolean stuck, Boolean progress, Boolean danger, String reason) {
    }

    /** The task as inferred, and where it points ({@code [x, y]}, absent where it points nowhere). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Task(String kind, String subtask, @JsonInclude(JsonInclude.Include.NON_NULL) List<Double> target) {
    }

    /** One thing a person did in the step's window (see {@link dev.embody.loop.PersonInput.Event}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonFilter(PRESENCE)
    public record InputEvent(Double tMs, @JsonInclude(JsonInclude.Include.ALWAYS) String event, String key, String button,
                             Double x, Double y, Integer notches, String direction, String command) {

        dev.embody.loop.PersonInput.Event toEvent() {
            return new dev.embody.loop.PersonInput.Event(tMs, event, key, button, x, y, notches, direction, command);
        }
    }

    /** A goal, note or taught skill that took effect as the step began. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Applied(String kind, String argument, String text, String channel) {
    }

    /** What a module took from memory. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Citation(String module, String what) {
    }

    /** The record of a step as it ran, with the target's state at its frame (null where the target has none). */
    public static StepRecord of(Step s, double[] state) {
        boolean observed = s.failure() == null || s.failure().observed();
        List<EntityAt> entities = null;
        if (s.scene() != null) {
            entities = new ArrayList<>();
            for (dev.embody.loop.Entity e : s.scene().entities()) {
                entities.add(new EntityAt(e.kind(), round(e.x()), round(e.y())));
            }
        }
        var r = s.reflection();
        var t = s.task();
        boolean decided = s.decision() != null && s.command() != null;
        var d = decided ? s.decision() : null;
        Map<String, Double> scores = null;
        if (d != null && !d.scores().isEmpty()) {
            scores = new LinkedHashMap<>();
            for (var e : d.scores().entrySet()) {
                scores.put(e.getKey(), Math.round(e.getValue() * 10000) / 10000.0);
            }
        }
        var in = d == null ? null : d.input();
        Map<String, Double> latency = new LinkedHashMap<>();
        long[] parts = s.latency().asArray();
        for (int i = 0; i < parts.length; i++) {
            latency.put(Latency.PARTS[i], Math.round(parts[i] / 1e3) / 1e3);
        }
        List<Double> st = null;
        if (state != null && observed) {
            st = new ArrayList<>();
            for (double v : state) {
                st.add(v);
            }
        }
        return new StepRecord(s.index(), s.wallMillis(), observed ? s.targetNanos() / 1e6 : null, observed ? s.frameIndex() : null,
                s.scene() == null ? null : s.scene().summary(), entities,
                r == null ? null : new Reflection(r.moved(), r.stuck(), r.progress(), r.danger(), r.reason()),
                t == null ? null : new Task(t.kind(), t.subtask(), t.hasTarget() ? List.of(round(t.targetX()), round(t.targetY())) : null),
                s.candidates().stream().map(Object::toString).toList(),
                decided ? s.command().toString() : null, decided ? d.by() : null, decided ? d.why() : null, scores,
                in == null ? null : round(in.windowMs()), in == null ? null : in.events().stream().map(StepRecord::event).toList(),
                in == null || in.unmapped().isEmpty() ? null : in.unmapped(),
                s.correction(), s.sent(), s.interrupted(), s.outcome().label(), s.failed(),
                s.failed() ? s.failure().stage() : null, s.failed() ? s.failure().error() : null, latency, s.overran(),
                s.applied().isEmpty() ? null : s.applied().stream().map(i -> new Applied(i.kind().name().toLowerCase(Locale.ROOT),
                        i.argument(), i.text(), i.channel())).toList(),
                s.citations().isEmpty() ? null : s.citations().stream().map(c -> new Citation(c.module(), c.what())).toList(),
                st);
    }

    private static InputEvent event(dev.embody.loop.PersonInput.Event e) {
        return new InputEvent(round(e.tMs()), e.event(), e.key(), e.button(), e.x() == null ? null : round(e.x()),
                e.y() == null ? null : round(e.y()), e.notches(), e.direction(), e.command());
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** The step as its line of steps.jsonl (no newline). */
    public String toLine() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write step " + step, e);
        }
    }

    /** The target's state as numbers, or null. */
    public double[] stateArray() {
        return state == null ? null : state.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .filterProvider(new SimpleFilterProvider().addFilter(PRESENCE, new Presence()))
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m;
    }

    /**
     * The two fields that are absent in some steps and an explicit null in others: {@code why} is written wherever a
     * command was decided, and a stick event's {@code direction} (null: back at rest).
     */
    private static final class Presence extends SimpleBeanPropertyFilter {
        @Override
        public void serializeAsField(Object pojo, JsonGenerator g, SerializerProvider p, PropertyWriter w) throws Exception {
            if (pojo instanceof StepRecord s && s.why == null && s.command != null && w.getName().equals("why")
                    || pojo instanceof InputEvent e && e.direction == null && "stick".equals(e.event) && w.getName().equals("direction")) {
                g.writeNullField(w.getName());
                return;
            }
            w.serializeAsField(pojo, g, p);
        }
    }
}
