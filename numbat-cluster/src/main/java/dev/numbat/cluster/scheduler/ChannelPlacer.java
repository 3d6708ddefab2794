package dev.numbat.cluster.scheduler;

import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.TaskGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides on which executor every channel of a task graph runs: only executors carrying a node's placement
 * tags, only executors whose data roots hold a source channel's files (data locality), and otherwise spread
 * by free slots. Channel {@code c} of nodes with the same channel count goes to the same executor where it
 * can, so forward edges (a scan feeding its filter) stay inside one process.
 */
public final class ChannelPlacer {

    /** What the placer knows of an executor: its slots, the channels it already runs, tags and data roots. */
    public record Candidate(String id, int slots, int runningChannels, Set<String> tags, List<Path> dataRoots) {
        public Candidate {
            Objects.requireNonNull(id, "id");
            tags = Set.copyOf(tags);
            dataRoots = List.copyOf(dataRoots);
        }

        /** True if this executor may read {@code file}: it has no data roots, or one of them holds the file. */
        public boolean canRead(String file) {
            if (dataRoots.isEmpty()) {
                return true;
            }
            Path p = Path.of(file).toAbsolutePath().normalize();
            for (Path root : dataRoots) {
                if (p.startsWith(root.toAbsolutePath().normalize())) {
                    return true;
                }
            }
            return false;
        }
    }

    private ChannelPlacer() {
    }

    /**
     * Per node id, the executor id of each channel.
     *
     * @param nodeTags placement tags per node id (absent = any executor)
     * @throws NumbatException USER_ERROR when no executor carries a node's tags or can read a split's files
     */
    public static Map<Integer, String[]> place(TaskGraph graph, Map<Integer, Set<String>> nodeTags,
            List<Candidate> executors) {
        if (executors.isEmpty()) {
            throw new NumbatException(dev.numbat.core.ErrorCode.EXECUTOR_LOST,
                    "no executor is registered with the scheduler");
        }
        double[] load = new double[executors.size()];
        for (int i = 0; i < load.length; i++) {
            load[i] = executors.get(i).runningChannels() / (double) Math.max(1, executors.get(i).slots());
        }
        // A stable order of executors per channel count keeps channel c of aligned nodes together.
        Map<String, String[]> spreads = new HashMap<>();
        Map<Integer, String[]> out = new HashMap<>();
        for (TaskGraph.Node n : graph.nodes()) {
            Set<String> tags = nodeTags.getOrDefault(n.id(), Set.of());
            List<Integer> allowed = new ArrayList<>();
            for (int i = 0; i < executors.size(); i++) {
                if (executors.get(i).tags().containsAll(tags)) {
                    allowed.add(i);
                }
            }
            if (allowed.isEmpty()) {
                throw NumbatException.userError("no executor is tagged %s, which operator '%s' needs to run on",
                        tags, n.name());
            }
            boolean rooted = executors.stream().anyMatch(e -> !e.dataRoots().isEmpty());
            List<List<String>> files = n.isSource() && rooted ? filesPerChannel(n) : null;
            String key = n.channels() + "/" + allowed;
            String[] spread = spreads.get(key);
            boolean fresh = spread == null;
            if (fresh) {
                spread = new String[n.channels()];
            }
            String[] placed = new String[n.channels()];
            for (int c = 0; c < n.channels(); c++) {
                List<Integer> readers = allowed;
                if (files != null && !files.get(c).isEmpty()) {
                    readers = new ArrayList<>();
                    for (int i : allowed) {
                        if (files.get(c).stream().allMatch(executors.get(i)::canRead)) {
                            readers.add(i);
                        }
                    }
                    if (readers.isEmpty()) {
                        throw NumbatException.userError("no executor%s can read %s (check the executors' --data-root)",
                                tags.isEmpty() ? "" : " tagged " + tags, files.get(c).get(0));
                    }
                }
                String preferred = fresh ? null : spread[c];
                int chosen = -1;
                if (preferred != null) {
                    for (int i : readers) {
                        if (executors.get(i).id().equals(preferred)) {
                            chosen = i;
                        }
                    }
                }
                if (chosen < 0) {
                    chosen = readers.get(0);
                    for (int i : readers) {
                        if (load[i] < load[chosen]) {
                            chosen = i;
                        }
                    }
                }
                Candidate e = executors.get(chosen);
                load[chosen] += 1.0 / Math.max(1, e.slots());
                placed[c] = e.id();
                if (fresh) {
                    spread[c] = e.id();
                }
            }
            if (fresh) {
                spreads.put(key, spread);
            }
            out.put(n.id(), placed);
        }
        return out;
    }

    /** The files each channel of a source node reads, with the runtime's own split assignment. */
    private static List<List<String>> filesPerChannel(TaskGraph.Node n) {
        List<List<Split>> assigned = Job.assignSplits(n.source().splits(n.channels()), n.channels());
        List<List<String>> files = new ArrayList<>();
        for (List<Split> splits : assigned) {
            List<String> f = new ArrayList<>();
            for (Split s : splits) {
                f.addAll(s.files());
            }
            files.add(f);
        }
        return files;
    }
}
