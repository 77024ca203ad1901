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
        frame = new JFrame(title);
        frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
        frame.setResizable(false);
        frame.add(panel);
        frame.pack();
        frame.setLocation(0, 0);
    }

    /** A window that shows frames handed to the returned consumer. */
    public static Consumer<Frame> view(String title) {
        SimWindow w = onEdt(() -> new SimWindow(title));
        SwingUtilities.invokeLater(() -> w.frame.setVisible(true));
        return f -> w.panel.show(f.toImage());
    }

    /**
     * Runs the game in a window that takes the keyboard, until the game ends and {@code linger} ms pass, or the window
     * is closed. Blocks.
     */
    public static void play(SimGame game, String title, long lingerMillis) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        SimWindow w = onEdt(() -> new SimWindow(title));
        long[] last = {System.nanoTime()};
        long[] endedAt = {0};
        Timer timer = new Timer(10, e -> {
            long now = System.nanoTime();
            game.advance(java.time.Duration.ofNanos(now - last[0]));
            last[0] = now;
            w.panel.show(game.render().toImage());
            if (game.outcome().finished()) {
                if (endedAt[0] == 0) {
                    endedAt[0] = now;
                } else if (now - endedAt[0] > lingerMillis * 1_000_000L) {
                    w.frame.dispose();
                }
            }
        });
        SwingUtilities.invokeLater(() -> {
            w.frame.addKeyListener(new KeyAdapter() {
                @Override
                public void keyPressed(KeyEvent e) {
                    game.keyDown(e.getKeyCode());
                }

                @Override
                public void keyReleased(KeyEvent e) {
                    game.keyUp(e.getKeyCode());
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
                    game.heldKeys().forEach(game::keyUp);
                }
            });
            w.frame.setVisible(true);
            w.frame.requestFocus();
            timer.start();
        });
        closed.await();
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
                g.drawImage(image, 0, 0, null);
            }
        }
    }
}
