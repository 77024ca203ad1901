package dev.embody.testkit;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's bsdgames {@code worm} as its terminal's text shows it ({@code tmux capture-pane -p}): the status line on top
 * (" Worm", "Score: N" on its right once the worm first ate), a box of '*' below it, the worm's head '@' and body 'o',
 * and one digit, the food. Anything but a space or the digit inside the box is in the way.
 *
 * @param lines the pane's lines, top first
 */
public record WormBoard(List<String> lines) {

    /** Up, down, left, right: row and column steps, in the order of {@link #MOVES}. */
    public static final List<String> MOVES = List.of("up", "down", "left", "right");
    private static final int[][] STEP = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    private static final Pattern SCORE = Pattern.compile("Score:\\s*(\\d+)");

    public WormBoard {
        lines = List.copyOf(lines);
    }

    /** The score the game shows (0 before it draws one: it does so first when the worm eats). */
    public int score() {
        Matcher m = SCORE.matcher(lines.isEmpty() ? "" : lines.get(0));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The head's [row, column], if the worm is on the board. */
    public Optional<int[]> head() {
        return find('@');
    }

    /** The food's [row, column], if a digit shows below the status line. */
    public Optional<int[]> food() {
        for (int r = 1; r < lines.size(); r++) {
            String l = lines.get(r);
            for (int c = 0; c < l.length(); c++) {
                if (Character.isDigit(l.charAt(c))) {
                    return Optional.of(new int[]{r, c});
                }
            }
        }
        return Optional.empty();
    }

    /** The worm's length, head and body. */
    public int length() {
        int n = 0;
        for (int r = 1; r < lines.size(); r++) {
            for (char ch : lines.get(r).toCharArray()) {
                n += ch == 'o' || ch == '@' ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * The move the scripted player makes: the first step of a shortest way to the food among the moves that leave the
     * worm room to go on (a flood fill at least twice its length, or the roomiest), on a tie up or down first, then the
     * last move kept;
     * empty when the worm is boxed in or not on the board.
     */
    public Optional<String> move(String last) {
        Optional<int[]> h = head();
        if (h.isEmpty()) {
            return Optional.empty();
        }
        int[] head = h.get();
        int[] food = food().orElse(null);
        boolean[][] free = free();
        int[] room = new int[4];
        int[] dist = new int[4];
        int most = 0;
        for (int i = 0; i < 4; i++) {
            int r = head[0] + STEP[i][0], c = head[1] + STEP[i][1];
            if (!inside(free, r, c) || !free[r][c]) {
                room[i] = -1;
                continue;
            }
            free[head[0]][head[1]] = false;
            room[i] = fill(free, r, c, food, dist, i);
            most = Math.max(most, room[i]);
        }
        int enough = Math.min(2 * length() + 4, most);
        int best = -1;
        for (int i = 0; i < 4; i++) {
            if (room[i] < 0 || room[i] < enough) {
                continue;
            }
            if (best < 0 || dist[i] < dist[best] || dist[i] == dist[best] && rank(i, last) < rank(best, last)) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(MOVES.get(best));
    }

    /**
     * Among moves as short: up or down first, then the last move. The food's row is found first and the food then
     * reached along it: a turn comes where the head's row meets the food's (a row a screen line, plain at any
     * resolution), never where its column does (two columns may share a pixel of a shrunk screen).
     */
    private static int rank(int i, String last) {
        return (i < 2 ? 0 : 2) + (MOVES.get(i).equals(last) ? 0 : 1);
    }

    /** Cells a flood from (r, c) reaches; {@code dist[i]} gets the steps to the food (MAX_VALUE: none). */
    private static int fill(boolean[][] free, int r0, int c0, int[] food, int[] dist, int i) {
        int rows = free.length, cols = free[0].length;
        int[][] seen = new int[rows][cols];
        for (int[] row : seen) {
            java.util.Arrays.fill(row, -1);
        }
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        queue.add(new int[]{r0, c0});
        seen[r0][c0] = 0;
        dist[i] = Integer.MAX_VALUE;
        int n = 0;
        while (!queue.isEmpty()) {
            int[] p = queue.poll();
            n++;
            if (food != null && p[0] == food[0] && p[1] == food[1]) {
                dist[i] = Math.min(dist[i], seen[p[0]][p[1]]);
            }
            for (int[] s : STEP) {
                int r = p[0] + s[0], c = p[1] + s[1];
                if (inside(free, r, c) && free[r][c] && seen[r][c] < 0) {
                    seen[r][c] = seen[p[0]][p[1]] + 1;
                    queue.add(new int[]{r, c});
                }
            }
        }
        return n;
    }

    private static boolean inside(boolean[][] free, int r, int c) {
        return r >= 0 && r < free.length && c >= 0 && c < free[0].length;
    }

    /** Cells the head may enter: spaces and the digit, below the status line. */
    private boolean[][] free() {
        int cols = lines.stream().mapToInt(String::length).max().orElse(0);
        boolean[][] free = new boolean[lines.size()][Math.max(1, cols)];
        for (int r = 1; r < lines.size(); r++) {
            String l = lines.get(r);
            for (int c = 0; c < l.length(); c++) {
                char ch = l.charAt(c);
                free[r][c] = ch == ' ' || Character.isDigit(ch);
            }
        }
        // a line's trailing blanks may be cut: what lies beyond the box's right side is not free either
        for (int r = 1; r < lines.size(); r++) {
            for (int c = lines.get(r).length(); c < free[r].length; c++) {
                free[r][c] = false;
            }
        }
        return free;
    }

    private Optional<int[]> find(char ch) {
        for (int r = 1; r < lines.size(); r++) {
            int c = lines.get(r).indexOf(ch);
            if (c >= 0) {
                return Optional.of(new int[]{r, c});
            }
        }
        return Optional.empty();
    }
}
