package dev.embody.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code 2048} as its terminal's text shows it ({@code tmux capture-pane -p}): "2048.c   N pts" on the top line,
 * then four rows of four cells, each a number or '·' (empty), three lines apart; arrow keys slide every tile that way,
 * equal tiles that meet merge. Test code: no product code names the game.
 *
 * @param cells the board, [row][column] top-left first, 0 for an empty cell
 * @param score the score the top line shows
 */
public record Game2048Board(int[][] cells, int score) {

    /** The moves by the demonstrator's fixed priority: the first of them that changes the board is taken. */
    public static final List<String> PRIORITY = List.of("down", "left", "right", "up");
    private static final Pattern SCORE = Pattern.compile("(\\d+) pts");
    private static final Pattern CELL = Pattern.compile("\\d+|·");

    public Game2048Board {
        if (cells.length != 4 || Arrays.stream(cells).anyMatch(r -> r.length != 4)) {
            throw new IllegalArgumentException("a 2048 board is 4x4");
        }
        cells = Arrays.stream(cells).map(int[]::clone).toArray(int[][]::new);
    }

    /** The board in a pane's text, or empty where the text is not one (the game not drawn yet, or over). */
    public static Optional<Game2048Board> read(List<String> lines) {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Matcher s = SCORE.matcher(lines.get(0));
        if (!s.find()) {
            return Optional.empty();
        }
        List<int[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            List<String> found = new ArrayList<>();
            Matcher m = CELL.matcher(l);
            while (m.find()) {
                found.add(m.group());
            }
            if (found.size() == 4) {
                rows.add(found.stream().mapToInt(c -> c.equals("·") ? 0 : Integer.parseInt(c)).toArray());
            }
        }
        return rows.size() == 4 ? Optional.of(new Game2048Board(rows.toArray(int[][]::new), Integer.parseInt(s.group(1)))) : Optional.empty();
    }

    /** The board after a move's slide and merges (no new tile), and whether it changed. */
    public int[][] slide(String move) {
        int[][] out = new int[4][4];
        for (int line = 0; line < 4; line++) {
            // each line read from the side the tiles slide toward
            int[] from = new int[4];
            for (int i = 0; i < 4; i++) {
                int[] rc = at(move, line, i);
                from[i] = cells[rc[0]][rc[1]];
            }
            int[] to = new int[4];
            int n = 0;
            int pending = 0;
            for (int v : from) {
                if (v == 0) {
                    continue;
                }
                if (pending == v) {
                    to[n - 1] = 2 * v;
                    pending = 0;
                } else {
                    to[n++] = v;
                    pending = v;
                }
            }
            for (int i = 0; i < 4; i++) {
                int[] rc = at(move, line, i);
                out[rc[0]][rc[1]] = to[i];
            }
        }
        return out;
    }

    /** Whether a move would change the board (a move that does not is ignored by the game: no new tile). */
    public boolean changes(String move) {
        return !Arrays.deepEquals(slide(move), cells);
    }

    /** The first move of {@link #PRIORITY} that changes the board; empty when none does (the game is over). */
    public Optional<String> move() {
        return PRIORITY.stream().filter(this::changes).findFirst();
    }

    /** The cell [row, column] that is the i-th of a line counted from the side a move slides toward. */
    private static int[] at(String move, int line, int i) {
        return switch (move) {
            case "left" -> new int[]{line, i};
            case "right" -> new int[]{line, 3 - i};
            case "up" -> new int[]{i, line};
            case "down" -> new int[]{3 - i, line};
            default -> throw new IllegalArgumentException("no such move: " + move + " (up, down, left, right)");
        };
    }
}
