package io.github.cnnmaven.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Index arithmetic for splitting and sampling a labelled set, seeded so every build makes the same choice. */
public final class Splits {

    private Splits() {
    }

    /** Train and validation indices. */
    public record Split(int[] train, int[] validation) {
    }

    /** Holds out {@code fraction} of every class (stratified), chosen with {@code seed}. */
    public static Split stratified(int[] labels, int classes, double fraction, long seed) {
        if (fraction <= 0) {
            return new Split(range(labels.length), new int[0]);
        }
        List<List<Integer>> byClass = byClass(labels, classes);
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (List<Integer> members : byClass) {
            java.util.Collections.shuffle(members, random);
            int held = (int) Math.round(members.size() * fraction);
            if (held == 0 && members.size() > 1) {
                held = 1;
            }
            validation.addAll(members.subList(0, held));
            train.addAll(members.subList(held, members.size()));
        }
        return new Split(sorted(train), sorted(validation));
    }

    /** The first {@code n} indices, taking classes in turn (for the overfit sanity check). */
    public static int[] balancedSubset(int[] labels, int classes, int n) {
        List<List<Integer>> byClass = byClass(labels, classes);
        List<Integer> chosen = new ArrayList<>();
        for (int round = 0; chosen.size() < n; round++) {
            boolean any = false;
            for (List<Integer> members : byClass) {
                if (round < members.size() && chosen.size() < n) {
                    chosen.add(members.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return sorted(chosen);
    }

    /** A shuffled epoch order. With {@code oversample}, every class is repeated up to the size of the largest. */
    public static int[] epochOrder(int[] indices, int[] labels, int classes, boolean oversample, long seed) {
        Random random = new Random(seed);
        int[] order;
        if (oversample) {
            List<List<Integer>> byClass = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                byClass.add(new ArrayList<>());
            }
            for (int i : indices) {
                byClass.get(labels[i]).add(i);
            }
            int max = byClass.stream().mapToInt(List::size).max().orElse(0);
            List<Integer> all = new ArrayList<>();
            for (List<Integer> members : byClass) {
                for (int j = 0; j < max && !members.isEmpty(); j++) {
                    all.add(j < members.size() ? members.get(j) : members.get(random.nextInt(members.size())));
                }
            }
            order = all.stream().mapToInt(Integer::intValue).toArray();
        } else {
            order = indices.clone();
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static List<List<Integer>> byClass(int[] labels, int classes) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        return byClass;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static int[] sorted(List<Integer> list) {
        int[] a = list.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
