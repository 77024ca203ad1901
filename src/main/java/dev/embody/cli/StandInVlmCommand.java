package dev.embody.cli;

import dev.embody.profile.SimGameProfile;
import dev.embody.bench.StandInVlm;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "stand-in-vlm", mixinStandardHelpOptions = true,
        description = {"A stand-in for a vision-language model server, for trying --modules ...=vlm on a machine with no model: "
                + "an OpenAI-compatible chat-completions API on 127.0.0.1 that decodes the images sent and answers from what it sees, "
                + "through the embedded game's own scene parser and planner. It knows only the embedded game; it is no model."})
final class StandInVlmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--delay", defaultValue = "0", description = "Seconds every answer takes, as a model thinking (default: ${DEFAULT-VALUE}).")
    double delay;
    @Option(names = "--behave", defaultValue = "good", description = "How it answers: good, unknown-command, malformed-json, server-error, refusal, late, huge, out-of-frame (default: ${DEFAULT-VALUE}).")
    String behave;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--port", port, 0, 65_535);
        o.number("--delay", delay, 0, 3600, "seconds");
        o.oneOf("--behave", behave, Arrays.stream(StandInVlm.Behaviour.values()).map(StandInVlmCommand::word).toList());
        SkillLibrary library = SimGameProfile.standard().skills();
        try (StandInVlm model = StandInVlm.start(port, library)) {
            model.delay(Duration.ofMillis((long) (delay * 1000))).behave(StandInVlm.Behaviour.valueOf(behave.toUpperCase(Locale.ROOT).replace('-', '_')));
            System.out.println("stand-in model: --vlm " + model.endpoint() + " --vlm-model stand-in   (Ctrl-C ends it)");
            new CountDownLatch(1).await();
        }
        return Main.OK;
    }

    static String word(StandInVlm.Behaviour b) {
        return b.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
