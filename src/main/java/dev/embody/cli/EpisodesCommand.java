package dev.embody.cli;

import dev.embody.episode.Episode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "episodes", mixinStandardHelpOptions = true, description = "Recorded episodes.",
        subcommands = {EpisodesCommand.ListEpisodes.class})
final class EpisodesCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per recorded episode.")
    static final class ListEpisodes implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "episodes", description = "Episodes folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            List<Episode> all = Episode.list(dir);
            for (Episode e : all) {
                var m = e.meta();
                System.out.printf("%-44s %-9s %-9s steps=%-5s seed=%-6s goal=%s policy=%s%n", e.id(), m.path("target").asText(),
                        e.outcome(), m.path("steps").asText("?"), m.path("seed").asText("-"), m.path("goal").asText("-"), m.path("policy").asText("-"));
            }
            System.out.printf("%d episodes in %s%n", all.size(), dir);
            return Main.OK;
        }
    }
}
