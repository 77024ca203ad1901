package dev.embody.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WormBoardTest {

    private static WormBoard board(String... rows) {
        return new WormBoard(List.of(rows));
    }

    @Test
    void itFindsTheFoodsRowFirstThenGoesAlongIt() {
        WormBoard b = board(
                " Worm",
                "************",
                "*        5 *",
                "*          *",
                "* ooo@     *",
                "*          *",
                "************");
        // heading right, the food up and to the right: up first (as short as right), not on to the food's column
        assertThat(b.move("right")).contains("up");
        WormBoard along = board(
                " Worm",
                "************",
                "*    @   5 *",
                "*    o     *",
                "*    o     *",
                "*          *",
                "************");
        assertThat(along.move("up")).contains("right");
    }

    @Test
    void itNeverTurnsIntoAWallOrItself() {
        WormBoard b = board(
                " Worm",
                "*******",
                "*ooo@**",
                "*    **",
                "*******");
        assertThat(b.move("right")).contains("down");
        assertThat(b.score()).isZero();
        assertThat(board(" Worm           Score:  12").score()).isEqualTo(12);
    }
}
