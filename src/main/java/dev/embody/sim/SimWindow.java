package dev.embody.sim;

import dev.embody.loop.Frame;

import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.event.KeyAdapter;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The game in a Swing window. As a view it shows the frames the agent sees; as a game ({@link #play}) it takes real
 * key events from whoever has the keyboard focus, a person or a desktop agent, and runs on the wall clock at 100 Hz.
 */
public final class SimWindow {

    private final JFrame frame;
    private final Panel panel = new Panel();

    private SimWindow(String title) {
        this(title, 1);
    }

    private SimWindow(String title, int scale) {
        panel.scale = scale;
        panel.setPreferredSize(new Dimension(SimGame.WIDTH * scale, SimGame.HEIGHT * scale));
        frame = new JFrame(title);
        frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
        frame.setResizable(false);
        frame.add(panel);
        frame.pack();
        frame.setLocation(0, 0);
    }

    /** A window that shows frames handed to the returned consumer. */
    public static Consumer<Frame> view(String title) {
        return view(title, 1);
    }

    /** A window at {@code scale} times the frames' size that shows frames handed to the returned consumer. */
    public static Consumer<Frame> view(String title, int scale) {
        SimWindow w = onEdt(() -> new SimWindow(title, scale));
        SwingUtilities.invokeLater(() -> w.frame.setVisible(true));
        return f -> w.panel.show(f.toImage());
    }

    /**
     * Runs the game in a window that takes the keyboard, until the game ends and {@code linger} ms pass, or the window
     * is closed. Blocks.
     */
    public static void play(SimGame game, String title, long lingerMillis) throws InterruptedException {
        playLevels(java.util.List.of(game), title, lingerMillis, 1, e -> { });
    }

    /** What the game's side of a window says happened: keys pressed and released, levels started and ended. */
    public interface Events {
        void on(String line);
    }

    /**
     * Plays levels one after another in one window (it keeps the keyboard focus between them), on the wall clock, at
     * {@code scale} times the game's resolution. When a level ends a banner (LEVEL WON / LEVEL LOST) stays up for
     * {@code linger} ms before the next level starts. Every key event and level change is told to {@code events}, so
     * the game's side can be checked from outside. Blocks until the last level ends or the window is closed.
     */
    public static void playLevels(java.util.List<SimGame> games, String title, long lingerMillis, int scale, Events events)
            throws InterruptedException {
        open(games, title, lingerMillis, scale, events, (key, down) -> { }).await();
    }

    /** Hears every key the window takes, as skills name keys (RIGHT, Q, CONTROL): a person's input, for a demonstration. */
    public interface KeyObserver {
        void key(String key, boolean down);
    }

    /** A window playing its levels; closing it ends the game's side. */
    public static final class Session implements AutoCloseable {
        private final CountDownLatch closed;
        private final JFrame frame;
        private final int[] level;
        private final java.util.List<SimGame> games;

        private Session(CountDownLatch closed, JFrame frame, int[] level, java.util.List<SimGame> games) {
            this.closed = closed;
            this.frame = frame;
            this.level = level;
            this.games = games;
        }

        /** Blocks until the last level ends and its banner has been up its while, or the window is closed. */
        public void await() throws InterruptedException {
            closed.await();
        }

        public boolean closed() {
            return closed.getCount() == 0;
        }

        /** The level being played. */
        public SimGame game() {
            return games.get(level[0]);
        }

        @Override
        public void close() {
            SwingUtilities.invokeLater(frame::dispose);
        }
    }

    /**
     * {@link #playLevels} without blocking: the window opens and plays on, and each key it takes is told to
     * {@code keys} as well as to the game.
     */
    public static Session open(java.util.List<SimGame> games, String title, long lingerMillis, int scale, Events events, KeyObserver keys) {
        CountDownLatch closed = new CountDownLatch(1);
        SimWindow w = onEdt(() -> new SimWindow(title, scale));
        int[] level = {0};
        long[] last = {System.nanoTime()};
        long[] endedAt = {0};
        events.on("level " + (level[0] + 1) + "/" + games.size() + " start seed=" + games.get(0).level().seed());
        Timer timer = new Timer(10, e -> {
            SimGame game = games.get(level[0]);
            long now = System.nanoTime();
            game.advance(java.time.Duration.ofNanos(now - last[0]));
            last[0] = now;
            BufferedImage img = game.render().toImage();
            if (game.outcome().finished()) {
                drawBanner(img, game.outcome() == dev.embody.loop.Outcome.SUCCESS);
                if (endedAt[0] == 0) {
                    endedAt[0] = now;
                    events.on(String.format(java.util.Locale.ROOT, "level %d/%d end seed=%d outcome=%s coins=%d/%d game_s=%.2f (%s)",
                            level[0] + 1, games.size(), game.level().seed(), game.outcome().label(), game.coinsCollected(),
                            game.level().coins().size(), game.timeNanos() / 1e9, game.ending()));
                } else if (now - endedAt[0] > lingerMillis * 1_000_000L) {
                    if (level[0] + 1 < games.size()) {
                        level[0]++;
                        endedAt[0] = 0;
                        // keys held across levels stay held, as on any keyboard
                        SimGame next = games.get(level[0]);
                        game.heldKeys().forEach(next::keyDown);
                        events.on("level " + (level[0] + 1) + "/" + games.size() + " start seed=" + next.level().seed());
                        img = next.render().toImage();
                    } else {
                        w.frame.dispose();
                    }
                }
            }
            w.panel.show(img);
        });
        SwingUtilities.invokeLater(() -> {
            w.frame.addKeyListener(new KeyAdapter() {
                @Override
                public void keyPressed(KeyEvent e) {
                    SimGame game = games.get(level[0]);
                    if (!game.heldKeys().contains(e.getKeyCode())) {
                        keys.key(dev.embody.skill.Keys.skillName(e.getKeyCode()), true);
                        game.keyDown(e.getKeyCode());
                        events.on("key down " + KeyEvent.getKeyText(e.getKeyCode()).toUpperCase(java.util.Locale.ROOT) + " held=" + names(game.heldKeys()));
                    }
                }

                @Override
                public void keyReleased(KeyEvent e) {
                    SimGame game = games.get(level[0]);
                    keys.key(dev.embody.skill.Keys.skillName(e.getKeyCode()), false);
                    game.keyUp(e.getKeyCode());
                    events.on("key up " + KeyEvent.getKeyText(e.getKeyCode()).toUpperCase(java.util.Locale.ROOT) + " held=" + names(game.heldKeys()));
                }
            });
            w.frame.addWindowListener(new WindowAdapter() {
                @Override
                public void windowClosed(WindowEvent e) {
                    timer.stop();
                    closed.countDown();
                }

                @Override
                public void windowLostFocus(WindowEvent e) {
                    // a window that loses focus never hears the key-up: treat it as released, as games do
                    SimGame game = games.get(level[0]);
                    if (!game.heldKeys().isEmpty()) {
                        game.heldKeys().forEach(k -> keys.key(dev.embody.skill.Keys.skillName(k), false));
                        game.heldKeys().forEach(game::keyUp);
                        events.on("focus lost: keys dropped held=[]");
                    }
                }
            });
            w.frame.setVisible(true);
            w.frame.requestFocus();
            timer.start();
        });
        return new Session(closed, w.frame, level, games);
    }

    private static String names(java.util.Set<Integer> codes) {
        return codes.stream().map(c -> KeyEvent.getKeyText(c).toUpperCase(java.util.Locale.ROOT)).sorted().toList().toString();
    }

    /** The banner's size in the game's pixels, centred on its 640x360 picture. */
    public static final int BANNER_WIDTH = 220, BANNER_HEIGHT = 48;

    /** The end-of-level banner: a solid box a desktop agent can find with a template, as it would a game's own screen. */
    public static void drawBanner(BufferedImage img, boolean won) {
        java.awt.Graphics2D g = img.createGraphics();
        int bw = BANNER_WIDTH, bh = BANNER_HEIGHT, x = (SimGame.WIDTH - bw) / 2, y = (SimGame.HEIGHT - bh) / 2;
        g.setColor(won ? new java.awt.Color(20, 120, 40) : new java.awt.Color(150, 20, 20));
        g.fillRect(x, y, bw, bh);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(x, y, bw, 3);
        g.fillRect(x, y + bh - 3, bw, 3);
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setFont(GameFont.bold(22));
        String text = won ? "LEVEL WON" : "LEVEL LOST";
        int tw = g.getFontMetrics().stringWidth(text);
        g.drawString(text, x + (bw - tw) / 2, y + 32);
        g.dispose();
    }

    /**
     * The banner alone, as the shipped templates (calibration/desktop/templates/level-won.png, level-lost.png) are cut:
     * drawn with the game's own font, so it is the same on every machine. {@code ./run sim-window --write-templates DIR}
     * writes them.
     */
    public static BufferedImage bannerTemplate(boolean won) {
        BufferedImage img = new BufferedImage(SimGame.WIDTH, SimGame.HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        drawBanner(img, won);
        BufferedImage out = new BufferedImage(BANNER_WIDTH, BANNER_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        out.getGraphics().drawImage(img.getSubimage((SimGame.WIDTH - BANNER_WIDTH) / 2, (SimGame.HEIGHT - BANNER_HEIGHT) / 2, BANNER_WIDTH, BANNER_HEIGHT), 0, 0, null);
        return out;
    }

    private static <T> T onEdt(java.util.function.Supplier<T> make) {
        Object[] out = new Object[1];
        try {
            SwingUtilities.invokeAndWait(() -> out[0] = make.get());
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a window (is DISPLAY set?): " + e.getMessage(), e);
        }
        @SuppressWarnings("unchecked") T t = (T) out[0];
        return t;
    }

    private static final class Panel extends JPanel {
        private volatile BufferedImage image;
        private int scale = 1;

        Panel() {
            setPreferredSize(new Dimension(SimGame.WIDTH, SimGame.HEIGHT));
            setFocusable(false);
        }

        void show(BufferedImage img) {
            image = img;
            repaint();
        }

        @Override
        protected void paintComponent(Graphics g) {
            super.paintComponent(g);
            if (image != null) {
                g.drawImage(image, 0, 0, image.getWidth() * scale, image.getHeight() * scale, null);
            }
        }
    }
}
