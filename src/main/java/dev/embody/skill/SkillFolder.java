package dev.embody.skill;

import dev.embody.file.BadFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A profile's skills folder, where skills taught at run time are written. A taught skill is checked like a skill file
 * and against the library it joins (its calls resolve, its commands are valid) before anything is written; then its
 * file is written whole (a temporary file renamed into place), so a crash leaves the folder loadable.
 */
public final class SkillFolder {

    private static final Logger log = LoggerFactory.getLogger(SkillFolder.class);

    private final Path dir;
    private final boolean writes;

    public SkillFolder(Path dir) {
        this(dir, true);
    }

    private SkillFolder(Path dir, boolean writes) {
        this.dir = dir;
        this.writes = writes;
    }

    /** Teaching checked and added to the library but written nowhere: replay re-teaches what an episode recorded. */
    public static SkillFolder inMemory() {
        return new SkillFolder(Path.of("taught"), false);
    }

    public Path dir() {
        return dir;
    }

    /** What teaching made: the skill and the library with it. */
    public record Taught(Skill skill, SkillLibrary library, Path file) {
    }

    /**
     * Adds a skill given as YAML to {@code library} and writes it to this folder.
     *
     * @throws BadFileException the YAML is not a valid skill, or clashes with the library (nothing is written)
     */
    public Taught teach(String yaml, SkillLibrary library) throws BadFileException, IOException {
        Skill draft = SkillLoader.parse(dir.resolve("taught.yaml"), yaml);
        Path file = dir.resolve(draft.name() + ".yaml");
        Skill skill = SkillLoader.parse(file, yaml);
        if (library.skill(skill.name()).isPresent()) {
            Path where = library.skill(skill.name()).get().source();
            throw new BadFileException(file, 1, "a skill '" + skill.name() + "' exists already (" + where + "); teach it under another name");
        }
        if (!writes) {
            return new Taught(skill, library.with(skill), file);
        }
        if (Files.exists(file)) {
            throw new BadFileException(file, 1, "the file exists already; teach the skill under another name");
        }
        SkillLibrary next = library.with(skill);
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + skill.name() + ".yaml.tmp");
        Files.writeString(tmp, yaml.endsWith("\n") ? yaml : yaml + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        log.info("taught skill '{}' ({} command(s)), written to {}", skill.name(), next.commands().size() - library.commands().size(), file);
        return new Taught(skill, next, file);
    }
}
