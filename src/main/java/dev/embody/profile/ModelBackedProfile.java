package dev.embody.profile;

import dev.embody.correction.StickMapping;
import dev.embody.curation.VlmCuration;
import dev.embody.file.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Modules;
import dev.embody.loop.Policy;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Target;
import dev.embody.loop.TaskInference;
import dev.embody.perception.VlmGathering;
import dev.embody.planning.VlmPolicy;
import dev.embody.planning.WithModelNotes;
import dev.embody.reflection.VlmReflection;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TargetPrimitives;
import dev.embody.task.VlmTaskInference;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.Prompts;
import dev.embody.vlm.SkillProposals;
import dev.embody.vlm.VlmClient;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A profile with some of its modules backed by a vision-language model, as a {@link ModuleChoice} says: the profile's
 * own target, skills, goals and gate; its modules, with each the choice names put in front of the profile's own one,
 * which stands in whenever the model has nothing usable. One model session (client, prompts, call log, the last
 * thought) serves every episode of the profile. Made only by {@link Profiles}. It answers every method of
 * {@link Profile} itself, by delegation where nothing changes ({@code ModelBackedProfileTest} fails when Profile grows
 * one it does not).
 */
final class ModelBackedProfile implements Profile {

    private final Profile inner;
    private final ModuleChoice choice;
    private final ModelSession session;

    /**
     * @throws BadFileException        a prompt file that is missing or names an unknown slot
     * @param recording it plays a recording (replay), which stands still whatever the target was
     * @throws IllegalArgumentException the choice asks to wait where the target does not stand still
     */
    ModelBackedProfile(Profile inner, ModuleChoice choice, boolean recording) throws BadFileException {
        if (choice.vlm().waits() && !recording && inner.stillWhileThinking().isEmpty()) {
            throw new IllegalArgumentException("--vlm-wait: the " + inner.name() + " profile's target goes on while a model thinks and declares no "
                    + "way to hold it still; let the model answer beside the loop (leave out --vlm-wait)");
        }
        Prompts prompts = Prompts.load(choice.prompts(), choice.byModel().stream().sorted().toList());
        this.inner = inner;
        this.choice = choice;
        this.session = new ModelSession(new VlmClient(choice.vlm()), prompts, new SkillProposals(choice.addSkills()));
    }

    ModelSession session() {
        return session;
    }

    ModuleChoice choice() {
        return choice;
    }

    @Override
    public Modules modules(SkillLibrary library) throws Exception {
        Modules m = inner.modules(library);
        InformationGathering g = choice.byModel("gathering") ? new VlmGathering(m.gathering(), session) : m.gathering();
        SelfReflection r = choice.byModel("reflection") ? new VlmReflection(m.reflection(), session) : m.reflection();
        TaskInference t = choice.byModel("task") ? new VlmTaskInference(m.tasks(), session) : m.tasks();
        SkillCuration c = choice.byModel("curation") ? new VlmCuration(m.curation(), session, inner.primitives()) : m.curation();
        Policy p = choice.byModel("plan") ? new VlmPolicy(m.policy(), session, library) : m.policy();
        return new Modules(g, r, t, c, new WithModelNotes(p, session));
    }

    @Override
    public Policy baseline(SkillLibrary library) throws Exception {
        try (Modules m = modules(library)) {
            return m.policy();
        }
    }

    @Override
    public void checkGoal(Goal goal, SkillLibrary library) throws Exception {
        try (Modules m = modules(library)) {
            if (!m.tasks().understands(goal)) {
                throw new IllegalArgumentException("the " + name() + " profile has no plan for the goal '" + goal + "'; its "
                        + m.tasks().getClass().getSimpleName() + " understands: '" + String.join("', '", m.tasks().goals()) + "'" + goalHint());
            }
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>(inner.describe());
        d.put("modules", choice.describe());
        return d;
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            inner.close();
        }
    }

    // ---- the profile's own ----

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Path skillsDir() {
        return inner.skillsDir();
    }

    @Override
    public SkillLibrary skills() throws BadFileException {
        return inner.skills();
    }

    @Override
    public TargetPrimitives primitives() {
        return inner.primitives();
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        return inner.open(spec);
    }

    @Override
    public Goal defaultGoal() {
        return inner.defaultGoal();
    }

    @Override
    public String goalHint() {
        return inner.goalHint();
    }

    @Override
    public String memoryName() {
        return inner.memoryName();
    }

    @Override
    public Set<String> words() {
        return inner.words();
    }

    @Override
    public StickMapping stick(SkillLibrary library) {
        return inner.stick(library);
    }

    @Override
    public java.util.function.Consumer<dev.embody.loop.Frame> window(String title) {
        return inner.window(title);
    }

    @Override
    public boolean hasOracle() {
        return inner.hasOracle();
    }

    @Override
    public java.util.Optional<dev.embody.loop.Policy> oracle(Target target, SkillLibrary library) {
        return inner.oracle(target, library);
    }

    @Override
    public java.util.Optional<dev.embody.correction.SimulatedCorrector> simulatedOperator(Target target, SkillLibrary library,
            dev.embody.correction.CorrectionParser parser, dev.embody.loop.OperatorInbox inbox, long seed) {
        return inner.simulatedOperator(target, library, parser, inbox, seed);
    }

    /** The gate scores with the target's own modules: a candidate policy is judged without asking the model. */
    @Override
    public Optional<dev.embody.learning.Gate> gate(SkillLibrary library, int episodes, Path episodesDir,
                                                   dev.embody.learning.Gate.Progress progress) throws java.io.IOException {
        return inner.gate(library, episodes, episodesDir, progress);
    }

    @Override
    public PlayedTarget play(EpisodeSpec spec, dev.embody.loop.InputLog input) throws Exception {
        return inner.play(spec, input);
    }

    @Override
    public dev.embody.learning.Checkpoints checkpoints(Path dir) {
        return inner.checkpoints(dir);
    }

    @Override
    public dev.embody.planning.InputSpec inputSpec() {
        return inner.inputSpec();
    }

    @Override
    public dev.embody.planning.PolicyRules policyRules() {
        return inner.policyRules();
    }

    @Override
    public dev.embody.planning.LearnedPolicy load(dev.embody.learning.Checkpoints store, dev.embody.learning.Checkpoint c) throws BadFileException {
        return inner.load(store, c);
    }

    @Override
    public java.util.Optional<dev.embody.learning.Checkpoints.Loaded> loadInUse(dev.embody.learning.Checkpoints store)
            throws java.io.IOException, BadFileException {
        return inner.loadInUse(store);
    }

    @Override
    public dev.embody.planning.LearnedPolicy untrained(SkillLibrary library, long seed) {
        return inner.untrained(library, seed);
    }

    @Override
    public boolean reads(dev.embody.planning.InputSpec spec) {
        return inner.reads(spec);
    }

    @Override
    public boolean choosesInput() {
        return inner.choosesInput();
    }

    @Override
    public dev.embody.planning.DeclaredRules declaredRules() {
        return inner.declaredRules();
    }

    @Override
    public boolean normalisesInput() {
        return inner.normalisesInput();
    }

    @Override
    public dev.embody.planning.PolicyRules policyRules(dev.embody.learning.Checkpoint c) {
        return inner.policyRules(c);
    }

    @Override
    public dev.embody.planning.LearnedPolicy untrained(SkillLibrary library, long seed, dev.embody.planning.InputSpec spec) {
        return inner.untrained(library, seed, spec);
    }

    @Override
    public boolean holdsOutEpisodes() {
        return inner.holdsOutEpisodes();
    }

    @Override
    public Optional<String> stillWhileThinking() {
        return inner.stillWhileThinking();
    }
}
