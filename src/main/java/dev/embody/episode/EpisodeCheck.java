package dev.embody.episode;

import dev.embody.file.BadFileException;

import java.nio.file.Path;

/**
 * Checks every file of one episode: meta.json, each line of steps.jsonl, and every frame of frames.mp4 against the
 * steps. The rule for the video ({@link #video}) is the one replay applies too, so the two always agree.
 */
public final class EpisodeCheck {

    private EpisodeCheck() {
    }

    /** ok (whole), cut (killed mid-session, or its video cut short: readable up to a point) or bad (a file is wrong: file, line, reason). */
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
        String unreadable = null;
        try {
            frames = RecordedFrames.countFrames(e.video());
        } catch (BadFileException ex) {
            frames = 0;
            unreadable = ex.reason();
        }
        String videoCut;
        try {
            videoCut = video(e, frames, unreadable, false);
        } catch (BadFileException ex) {
            return new Verdict(dir, Status.BAD, ex.getMessage(), e);
        }
        int steps = e.steps().size();
        int failed = e.failedSteps().size();
        String figures = steps + " steps" + (failed == 0 ? "" : " (" + failed + " failed)") + ", " + frames + " frames, outcome=" + outcomeOf(e);
        String cut = e.cut() == null ? videoCut : videoCut == null ? e.cut() : e.cut() + "; " + videoCut;
        if (cut != null) {
            return new Verdict(dir, Status.CUT, figures + "; " + cut + "; replayable up to step " + lastReplayable(e, frames), e);
        }
        return new Verdict(dir, Status.OK, figures, e);
    }

    /**
     * How an episode's video stands beside its steps (one frame for each step that saw one, in order).
     *
     * @param frames     frames that could be read
     * @param unreadable why the video cannot be opened at all, or null
     * @param more       whether it holds more frames than were counted (replay reads only as many as it needs, plus one)
     * @return null where the video is whole; why it is cut short, where what it has can be replayed
     * @throws BadFileException where it cannot be replayed at all, or holds more frames than steps: the file and why
     */
    public static String video(RecordedEpisode e, int frames, String unreadable, boolean more) throws BadFileException {
        long seen = e.steps().stream().filter(RecordedStep::observed).count();
        Path video = e.video(), steps = e.dir().resolve(Episode.STEPS);
        if (unreadable != null) {
            if (e.cut() != null) {
                return "no frame of " + video + " can be read (" + unreadable + "): the session ended before its first frame was flushed";
            }
            throw new BadFileException(video, 0, unreadable);
        }
        if (frames > seen || more) {
            throw new BadFileException(video, 0, "has " + (more ? "more than " + frames : frames) + " frames but " + steps + " has "
                    + seen + " steps that saw one (frame n is the observation of the n-th such step)");
        }
        if (frames < seen) {
            if (frames == 0 && e.cut() == null) {
                throw new BadFileException(video, 0, "holds no frame that can be read, but " + steps + " has " + seen + " steps that saw one");
            }
            return video + " ends after " + frames + " frames but " + steps + " has " + seen + " steps that saw one: cut off"
                    + (e.cut() == null ? " (the file was cut short after the session closed it)" : "");
        }
        if (e.cut() == null && e.meta().has("frames") && e.meta().path("frames").asLong() != frames) {
            throw new BadFileException(e.dir().resolve(Episode.META), 0, "field 'frames' says " + e.meta().path("frames").asLong()
                    + " but " + video + " has " + frames);
        }
        return null;
    }

    /** The last step that has its line and, where it saw a frame, its frame. */
    private static long lastReplayable(RecordedEpisode e, int frames) {
        long last = -1;
        int seen = 0;
        for (RecordedStep s : e.steps()) {
            if (s.observed() && ++seen > frames) {
                break;
            }
            last = s.step();
        }
        return last;
    }

    private static String outcomeOf(RecordedEpisode e) {
        return e.meta().path("outcome").asText("?");
    }
}
