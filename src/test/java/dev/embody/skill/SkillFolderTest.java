package dev.embody.skill;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkillFolderTest {

    @TempDir
    Path dir;

    @Test
    void aTaughtSkillIsCheckedWrittenWholeAndJoinsTheLibrary() throws Exception {
        Files.copy(Path.of("skills/desktop/wait.yaml"), dir.resolve("wait.yaml"));
        SkillLibrary library = SkillLibrary.load(dir);
        SkillFolder folder = new SkillFolder(dir);
        SkillFolder.Taught t = folder.teach("name: jump\ndescription: Jump.\ntags: [taught]\nphrases: [jump]\nbody:\n  - press: SPACE\n", library);
        assertThat(t.library().commands()).extracting(Object::toString).contains("jump");
        assertThat(t.file()).isEqualTo(dir.resolve("jump.yaml")).exists();
        assertThat(SkillLibrary.load(dir).skill("jump")).as("the next session loads it").isPresent();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("wait.yaml", "jump.yaml");
        }
    }

    @Test
    void aBadOrClashingSkillIsRefusedWithTheReasonAndNothingIsWritten() throws Exception {
        Files.copy(Path.of("skills/desktop/wait.yaml"), dir.resolve("wait.yaml"));
        SkillLibrary library = SkillLibrary.load(dir);
        SkillFolder folder = new SkillFolder(dir);
        assertThatThrownBy(() -> folder.teach("name: fly\ndescription: x\nbody:\n  - press: WARP\n", library))
                .isInstanceOf(BadFileException.class).hasMessageContaining("WARP");
        assertThatThrownBy(() -> folder.teach("name: wait\ndescription: again\nbody:\n  - wait: 1ms\n", library))
                .isInstanceOf(BadFileException.class).hasMessageContaining("exists already");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("wait.yaml");
        }
    }
}
