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
    @Option(names = "--target", defaultValue = "sim-game", description = "Whose skills to understand it with: skills/<target> (default: ${DEFAULT-VALUE}).")
    String target;
    @Option(names = "--skills", description = "A skills folder instead of skills/<target>.")
    Path skillsDir;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        if (skillsDir == null) {
            o.oneOf("--target", target, TargetKinds.names());
        }
        texts.forEach(t -> o.text("--explain", t));
        Path dir = skillsDir != null ? skillsDir : Path.of("skills", target);
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "no skills folder " + dir + (skillsDir != null ? " (--skills)"
                    : " for --target '" + target + "' (expected a folder under skills/)"));
        }
        CorrectionParser parser = new CorrectionParser(SkillLibrary.load(dir));
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
                out.println((u.kind() == Understanding.Kind.GOAL ? "goal: " : "note: ") + u.argument());
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
