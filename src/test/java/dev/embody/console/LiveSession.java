package dev.embody.console;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.correction.CorrectionParser;
import dev.embody.loop.Modules;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A live sim session on the wall clock with the console attached, as `./run live --console` builds it, for tests. */
final class LiveSession implements AutoCloseable {

    final SkillLibrary library;
    final OperatorInbox inbox = new OperatorInbox();
    final OperatorConsole console;
    volatile SimGameTarget target;
    volatile AgentLoop loop;
    final List<Step> steps = new CopyOnWriteArrayList<>();
    final CompletableFuture<AgentLoop.EpisodeResult> result = new CompletableFuture<>();
    private final SimGameProfile profile = new SimGameProfile(SimGameProfile.Config.of(TargetOptions.defaults()));
    private volatile Modules modules;
    /** One memory for the whole session, as live keeps one across episodes: a note said near a level's end still holds in the next. */
    private final EpisodicMemory memory = EpisodicMemory.inMemory();

    LiveSession(ConsoleSettings settings, Path episodesDir, long seed) throws Exception {
        library = SkillLibrary.load(Path.of("skills/sim-game"));
        CorrectionParser parser = new CorrectionParser(library);
        console = OperatorConsole.start(settings, inbox, () -> parser, new SessionTraining(() -> "scene-planner"), episodesDir, null);
        console.episode("test-episode", null);
        // episodes one after another (a level takes the agent a few seconds) until the operator stops one
        Thread t = new Thread(() -> {
            try {
                for (long s = seed; ; s++) {
                    target = new SimGameTarget(SimGame.of(s, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(300)), true, console);
                    loop = build(target);
                    AgentLoop.EpisodeResult r = loop.run();
                    if (r.outcome() == dev.embody.loop.Outcome.STOPPED || r.outcome() == dev.embody.loop.Outcome.ERROR) {
                        result.complete(r);
                        return;
                    }
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "live-session");
        t.setDaemon(true);
        t.start();
        while (loop == null) {
            Thread.sleep(10);
        }
    }

    private AgentLoop build(SimGameTarget target) {
        if (modules != null) {
            modules.close();
        }
        modules = profile.modules(library);
        return AgentLoop.builder().target(target).library(library).modules(modules).goal(SimGame.COLLECT_COINS)
                .memory(memory).inbox(inbox).period(Duration.ofMillis(100)).maxSteps(5000)
                .listener(console).listener(new StepListener() {
                    @Override
                    public void onStep(Step step, Observation observation) {
                        steps.add(step);
                    }
                }).build();
    }

    String url() {
        return console.url();
    }

    @Override
    public void close() throws Exception {
        loop.requestStop();
        try {
            result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            console.close();
            if (modules != null) {
                modules.close();
            }
        }
    }
}
