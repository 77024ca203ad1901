package dev.embody.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Game2048BoardTest {

    /** A pane as tmux captured it from the real game (the top line, four board rows three lines apart, the help line). */
    private static List<String> pane(String... rows) {
        return List.of("2048.c               480 pts", "", "", rows[0], "", "", rows[1], "", "", rows[2], "", "", rows[3], "", "",
                "        ←,↑,→,↓ or q", "");
    }

    @Test
    void itReadsTheBoardAndScoreTmuxShows() {
        Game2048Board b = Game2048Board.read(pane(
                "   8      2      4      8",
                "   4      64     2      4",
                "   2      2      32     ·",
                "   8      ·      ·      ·")).orElseThrow();
        assertThat(b.score()).isEqualTo(480);
        assertThat(b.cells()[1]).containsExactly(4, 64, 2, 4);
        assertThat(b.cells()[3]).containsExactly(8, 0, 0, 0);
        assertThat(Game2048Board.read(List.of("GAME OVER"))).isEmpty();
    }

    @Test
    void itSlidesAndMergesAsTheGameDoes_onceAMove() {
        Game2048Board b = Game2048Board.read(pane(
                "   2      2      2      2",
                "   4      2      2      ·",
                "   ·      ·      ·      ·",
                "   ·      ·      ·      ·")).orElseThrow();
        int[][] left = b.slide("left");
        assertThat(left[0]).containsExactly(4, 4, 0, 0);
        assertThat(left[1]).containsExactly(4, 4, 0, 0);
        assertThat(b.slide("right")[1]).containsExactly(0, 0, 4, 4);
        int[][] down = b.slide("down");
        assertThat(down[3]).containsExactly(4, 4, 4, 2);
        assertThat(down[2]).containsExactly(2, 0, 0, 0);
    }

    @Test
    void itTakesTheFirstMoveOfItsPriorityThatChangesTheBoard() {
        Game2048Board settled = Game2048Board.read(pane(
                "   ·      ·      ·      ·",
                "   ·      ·      ·      ·",
                "   ·      ·      ·      ·",
                "   2      4      ·      ·")).orElseThrow();
        assertThat(settled.changes("down")).isFalse();
        assertThat(settled.changes("left")).isFalse();
        assertThat(settled.move()).contains("right");
        Game2048Board falls = Game2048Board.read(pane(
                "   ·      ·      ·      2",
                "   ·      ·      ·      ·",
                "   ·      ·      ·      ·",
                "   2      4      ·      ·")).orElseThrow();
        assertThat(falls.move()).contains("down");
        Game2048Board full = Game2048Board.read(pane(
                "   2      4      2      4",
                "   4      2      4      2",
                "   2      4      2      4",
                "   4      2      4      2")).orElseThrow();
        assertThat(full.move()).as("no move changes a full board without neighbours alike: the game is over").isEmpty();
        assertThatThrownBy(() -> full.changes("sideways")).hasMessageContaining("up, down, left, right");
    }
}
