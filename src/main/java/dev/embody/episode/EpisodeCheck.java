package dev.embody.episode;

import dev.embody.loop.BadFileException;

import java.nio.file.Path;

/** Checks every file of one episode: meta.json, each line of steps.jsonl, and every frame of frames.mp4 against the steps. */
public final class EpisodeCheck {

    private EpisodeCheck() {
    }

    /** ok (whole), cut (killed mid-session: readable up to a point) or bad (a file is wrong: file, line, reason). */
    public enum Status { OK, CUT, BAD }

    public record Verdict(Path dir, Status status, String message, RecordedEpisode episode) {
    }

    public static Verdict check(Path dir) {
        RecordedEpisode e;
        try {
            e = RecordedEpisode.read(dir);
        } catch (BadFileException ex) {
            return new Verdict(dir, Status.BAD, ex.getMessage(), null);
        }
        int frames;
        try {
            frames = RecordedFrames.countFrames(e.video());
        } catch (BadFileException ex) {
            if (e.cut() != null && e.steps().isEmpty()) {
                return new Verdict(dir, Status.CUT, e.cut() + "; no frames were written", e);
            }
            return new Verdict(dir, Status.BAD, ex.getMessage(), e);
        }
        int steps = e.steps().size();
        String figures = steps + " steps, " + frames + " frames, outcome=" + outcomeOf(e);
        if (e.cut() != null) {
            return new Verdict(dir, Status.CUT, figures + "; " + e.cut() + "; replayable up to step " + (Math.min(steps, frames) - 1), e);
        }
        if (frames != steps) {
            return new Verdict(dir, Status.BAD, e.video() + ": has " + frames + " frames but " + e.dir().resolve(Episode.STEPS) + " has "
                    + steps + " steps (frame n is step n's observation)", e);
        }
        if (e.meta().has("frames") && e.meta().path("frames").asLong() != frames) {
            return new Verdict(dir, Status.BAD, e.dir().resolve(Episode.META) + ": field 'frames' says " + e.meta().path("frames").asLong()
                    + " but " + e.video() + " has " + frames, e);
        }
        return new Verdict(dir, Status.OK, figures, e);
    }

    private static String outcomeOf(RecordedEpisode e) {
        return e.meta().path("outcome").asText("?");
    }
}
