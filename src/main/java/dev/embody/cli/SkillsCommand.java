package dev.embody.cli;

import dev.embody.loop.BadFileException;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;
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
        @Option(names = "--target", defaultValue = "sim-game", description = "Target whose skills/ folder to list (default: ${DEFAULT-VALUE}).")
        String target;
        @Option(names = "--skills", description = "A skills folder instead of skills/<target>.")
        Path dir;
        @Option(names = "--commands", description = "Also list every command.")
        boolean commands;

        @Override
        public Integer call() throws BadFileException {
            if (dir == null) {
                Options.of(spec).oneOf("--target", target, TargetKinds.names());
            }
            SkillLibrary lib = SkillLibrary.load(dir != null ? dir : Path.of("skills", target));
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

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate every skill file of a folder (default: every folder under skills/).")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "0..1", description = "Skills folder.")
        Path dir;

        @Override
        public Integer call() throws Exception {
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
                try {
                    SkillLibrary lib = SkillLibrary.load(d);
                    System.out.printf("ok   %s: %d skills, %d commands%n", d, lib.skills().size(), lib.commands().size());
                } catch (BadFileException e) {
                    System.err.println("bad  " + e.getMessage());
                    bad++;
                }
            }
            return bad == 0 ? Main.OK : Main.BAD_FILE;
        }
    }
}
