package dev.embody.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The episodes folder as the page sees it: the latest episodes with their outcome, and each one's replay report. */
final class RecordedEpisodes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path episodesDir;

    /** @param episodesDir null: a session that records nothing, so there is nothing to list */
    RecordedEpisodes(Path episodesDir) {
        this.episodesDir = episodesDir;
    }

    /** The latest 200 episodes, newest first: id, outcome, goal, start, steps, and whether a report is there. */
    List<Map<String, Object>> list() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (episodesDir == null || !Files.isDirectory(episodesDir)) {
            return out;
        }
        try (var dirs = Files.list(episodesDir)) {
            for (Path d : dirs.sorted(Comparator.reverseOrder()).limit(200).toList()) {
                Path meta = d.resolve("meta.json");
                if (!Files.isRegularFile(meta)) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", d.getFileName().toString());
                try {
                    JsonNode n = JSON.readTree(meta.toFile());
                    m.put("outcome", n.path("outcome").asText(""));
                    m.put("goal", n.path("goal").asText(""));
                    m.put("start", n.path("start").asText(""));
                    m.put("steps", n.path("steps").asLong(0));
                } catch (IOException e) {
                    m.put("outcome", "unreadable meta.json");
                }
                m.put("report", Files.exists(d.resolve("report.html")) || Files.exists(d.resolve("report.md")));
                out.add(m);
            }
        }
        return out;
    }

    /** GET /api/episodes/{id}/report: the episode's replay report, or 404 saying how to make one. */
    void report(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        // an id is a name we listed, never a path from the browser
        if (!id.matches("[A-Za-z0-9._-]{1,120}") || id.startsWith(".")) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "bad episode id");
        }
        Path dir = episodesDir.resolve(id);
        for (String name : List.of("report.html", "report.md", "report.txt")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                ctx.contentType(name.endsWith(".html") ? "text/html" : "text/plain; charset=utf-8").result(Files.readAllBytes(p));
                return;
            }
        }
        ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain").result("no replay report for " + id + " yet: run ./run replay " + episodesDir.resolve(id));
    }
}
