package dev.embody.loop;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What information gathering made of a frame: the entities it found and, for grid worlds, the terrain.
 *
 * @param units   "px" for screens, "m" for a robot's table plane
 * @param terrain null where the target has no grid
 */
public record Scene(double width, double height, String units, List<Entity> entities, Terrain terrain) {

    public Scene {
        entities = List.copyOf(entities);
    }

    public static Scene empty(double width, double height, String units) {
        return new Scene(width, height, units, List.of(), null);
    }

    public Optional<Entity> first(String kind) {
        return entities.stream().filter(e -> e.kind().equals(kind)).findFirst();
    }

    public List<Entity> all(String kind) {
        return entities.stream().filter(e -> e.kind().equals(kind)).toList();
    }

    public Optional<Entity> player() {
        return first("player");
    }

    public Optional<Entity> nearest(String kind, double x, double y) {
        return all(kind).stream().min(Comparator.comparingDouble(e -> e.distanceTo(x, y)));
    }

    /** One short line for logs and episodes: counts per kind and where the player is. */
    public String summary() {
        String counts = entities.stream()
                .collect(Collectors.groupingBy(Entity::kind, java.util.TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        String where = player().map(p -> String.format(" player@(%.0f,%.0f)", p.x(), p.y())).orElse(" player=?");
        String hazards = terrain == null ? "" : " " + terrain.hazard() + "_cells=" + terrain.count(Terrain.HAZARD);
        return (counts.isEmpty() ? "nothing" : counts) + where + hazards;
    }
}
