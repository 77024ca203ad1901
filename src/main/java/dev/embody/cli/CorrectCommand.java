package dev.embody.cli;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.Understanding;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** How the correction parser reads a sentence, so operators can check their phrasing and scripts can use the parser. */
@Command(name = "correct", mixinStandardHelpOptions = true,
        description = "Show how an operator's sentence is understood (command, stop, pause, goal, note, or not understood and why). "
                + "Exit 0 if every sentence is understood, 1 if one is not.")
final class CorrectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--explain", required = true, paramLabel = "TEXT", description = "A sentence to explain; repeat for several.")
    List<String> texts;
    @picocli.CommandLine.Mixin
    TargetSelection targetSelection;

    @Override
    public Integer call() throws Exception {
        texts.forEach(t -> Options.of(spec).text("--explain", t));
        CorrectionParser parser;
        try (var profile = targetSelection.profile(spec)) {
            Path dir = profile.skillsDir();
            if (!Files.isDirectory(dir)) {
                throw new ParameterException(spec.commandLine(), "no skills folder " + dir + (targetSelection.skills != null ? " (--skills)"
                        : " for --target '" + profile.name() + "' (expected a folder under skills/)"));
            }
            // understanding needs no actuator: the folder's skills whatever their target can run
            parser = new CorrectionParser(dev.embody.skill.SkillLibrary.load(dir), profile.words());
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean all = true;
        for (int i = 0; i < texts.size(); i++) {
            Understanding u = parser.parse(texts.get(i));
            if (i > 0) {
                out.println();
            }
            out.println("text: " + u.text());
            out.println("kind: " + u.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            if (u.command() != null) {
                out.println("command: " + u.command());
            }
            if (u.argument() != null) {
                out.println((u.kind() == Understanding.Kind.GOAL ? "goal: " : u.kind() == Understanding.Kind.TEACH ? "skill:\n" : "note: ") + u.argument().strip());
            }
            out.printf(Locale.ROOT, "confidence: %.2f%n", u.confidence());
            out.println("would apply: " + (u.understood() ? "yes" : "no"));
            out.println("explanation: " + u.explanation());
            all &= u.understood();
        }
        out.flush();
        return all ? Main.OK : Main.FAILED;
    }
}
