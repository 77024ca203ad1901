package dev.embody.cli;

import dev.embody.file.BadFileException;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.TargetOptions;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TargetPrimitives;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "skills", mixinStandardHelpOptions = true, description = "List or check skill files.",
        subcommands = {SkillsCommand.ListSkills.class, SkillsCommand.Check.class})
final class SkillsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a target's skills and the commands they make.")
    static final class ListSkills implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin
        TargetSelection targetSelection;
        @Option(names = "--commands", description = "Also list every command.")
        boolean commands;

        @Override
        public Integer call() throws BadFileException {
            SkillLibrary lib;
            try (var profile = targetSelection.profile(spec)) {
                lib = profile.skills();
            }
            for (Skill s : lib.skills()) {
                String params = s.parameters().isEmpty() ? "" : s.parameters().stream()
                        .map(p -> p.name() + "=" + String.join("|", p.valueNames())).reduce((a, b) -> a + ", " + b).map(x -> "(" + x + ")").orElse("");
                System.out.printf("%-12s %-40s %s%n", s.name(), params, s.description());
            }
            if (commands) {
                lib.commands().forEach(c -> System.out.println("  " + c));
            }
            System.out.printf("%d skills, %d commands, version %s%n", lib.skills().size(), lib.commands().size(), lib.version());
            return Main.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate every skill file of a folder (default: every folder under skills/), each against what its target's actuator can do; reports every bad file.")
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "0..1", description = "Skills folder.")
        Path dir;
        @Option(names = "--target", description = "The target the skills are for (${COMPLETION-CANDIDATES}); default: the one whose skills folder has the folder's name.",
                completionCandidates = TargetSelection.Names.class)
        String target;

        @Override
        public Integer call() throws Exception {
            TargetPrimitives named = null;
            if (target != null) {
                try (Profile p = Profiles.open(target, TargetOptions.defaults())) {
                    named = p.primitives();
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            java.util.List<Path> dirs = new java.util.ArrayList<>();
            if (dir != null) {
                dirs.add(dir);
            } else {
                try (var s = java.nio.file.Files.list(Path.of("skills"))) {
                    s.filter(java.nio.file.Files::isDirectory).sorted().forEach(dirs::add);
                }
            }
            int bad = 0;
            for (Path d : dirs) {
                TargetPrimitives kind = named != null ? named : forFolder(d);
                TargetPrimitives can = kind != null ? kind : TargetPrimitives.ANY;
                try {
                    SkillLibrary.Checked c = SkillLibrary.check(d, can);
                    if (c.problems().isEmpty()) {
                        System.out.printf("ok   %s: %d skills, %d commands%s%n", d, c.library().skills().size(), c.library().commands().size(),
                                kind == null ? " (no target named: any primitive allowed; --target to check what one can do)" : " for " + can.target());
                        continue;
                    }
                    for (BadFileException e : c.problems()) {
                        System.err.println("bad  " + e.getMessage());
                    }
                    bad += c.problems().size();
                } catch (BadFileException e) {
                    System.err.println("bad  " + e.getMessage());
                    bad++;
                }
            }
            if (bad > 0) {
                System.err.printf("%d problem%s%n", bad, bad == 1 ? "" : "s");
            }
            return bad == 0 ? Main.OK : Main.BAD_FILE;
        }

        /** What the target whose skills live in a folder of this name can do (robot and sim-robot share one, and their actuator). */
        private static TargetPrimitives forFolder(Path d) throws BadFileException {
            String name = d.toAbsolutePath().normalize().getFileName().toString();
            if (Profiles.names().contains(name)) {
                try (Profile p = Profiles.open(name, TargetOptions.defaults())) {
                    return p.primitives();
                }
            }
            for (String k : Profiles.names()) {
                try (Profile p = Profiles.open(k, TargetOptions.defaults())) {
                    if (p.skillsDir().getFileName().toString().equals(name)) {
                        return p.primitives();
                    }
                }
            }
            return null;
        }
    }
}
