package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The paper's networks (section 2, Figure 1). For the ones that take a layer count n, the first n layers
 * are copied from the base network trained on {@link #source()} and either frozen (lr_mult 0) or
 * fine-tuned ("+"); the layers above n start from their fillers; the network trains on {@link #target()}.
 * The mirrored names (AnA, BnA, ...) are the same experiments in the other direction; the report
 * aggregates them with their counterparts as the paper does (footnote 3): selffers as BnB, transfers as AnB.
 */
public enum Treatment {
    BASE_A("baseA", null, Half.A, false, Group.BASE),
    BASE_B("baseB", null, Half.B, false, Group.BASE),
    BNB("BnB", Half.B, Half.B, true, Group.SELFFER),
    BNB_PLUS("BnB+", Half.B, Half.B, false, Group.SELFFER_FT),
    ANB("AnB", Half.A, Half.B, true, Group.TRANSFER),
    ANB_PLUS("AnB+", Half.A, Half.B, false, Group.TRANSFER_FT),
    ANA("AnA", Half.A, Half.A, true, Group.SELFFER),
    ANA_PLUS("AnA+", Half.A, Half.A, false, Group.SELFFER_FT),
    BNA("BnA", Half.B, Half.A, true, Group.TRANSFER),
    BNA_PLUS("BnA+", Half.B, Half.A, false, Group.TRANSFER_FT),
    /** The first n layers keep their random initial weights and are frozen (the paper's nolearn nets). */
    RANDOM("random", null, null, true, Group.RANDOM),
    /** A base network on every class of the dataset (the paper's netbase), the random control's base when it trains on all classes. */
    BASE_ALL("baseAll", null, Half.ALL, false, Group.BASE_ALL);

    /** How the report aggregates treatments (the paper's labels). */
    public enum Group {
        BASE("baseB"), SELFFER("BnB"), SELFFER_FT("BnB+"), TRANSFER("AnB"), TRANSFER_FT("AnB+"), RANDOM("random"),
        BASE_ALL("baseAll");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String jsonName;
    private final Half source;
    private final Half target;
    private final boolean frozen;
    private final Group group;

    Treatment(String jsonName, Half source, Half target, boolean frozen, Group group) {
        this.jsonName = jsonName;
        this.source = source;
        this.target = target;
        this.frozen = frozen;
        this.group = group;
    }

    @JsonValue
    public String jsonName() {
        return jsonName;
    }

    /** The half whose base network the first n layers come from; null when nothing is copied. */
    public Half source() {
        return source;
    }

    /** The half the network trains on; null for {@link #RANDOM}, whose target the experiment chooses. */
    public Half target() {
        return target;
    }

    /** True when the first n layers do not learn. */
    public boolean frozen() {
        return frozen;
    }

    public Group group() {
        return group;
    }

    /** True for the treatments that take a layer count n. */
    public boolean takesN() {
        return group != Group.BASE && group != Group.BASE_ALL;
    }

    /** True for the treatments that copy layers from a base network of the same split. */
    public boolean copies() {
        return source != null;
    }

    /** The same treatment with A and B swapped (BnB ↔ AnA, AnB ↔ BnA); itself when that means nothing. */
    public Treatment mirrored() {
        return switch (this) {
            case BASE_A -> BASE_B;
            case BASE_B -> BASE_A;
            case BNB -> ANA;
            case ANA -> BNB;
            case BNB_PLUS -> ANA_PLUS;
            case ANA_PLUS -> BNB_PLUS;
            case ANB -> BNA;
            case BNA -> ANB;
            case ANB_PLUS -> BNA_PLUS;
            case BNA_PLUS -> ANB_PLUS;
            default -> this;
        };
    }

    /** The base treatment that trains on {@code half}. */
    public static Treatment baseOf(Half half) {
        return switch (half) {
            case A -> BASE_A;
            case B -> BASE_B;
            case ALL -> BASE_ALL;
        };
    }

    /** A cell label: "baseA", or the name with n filled in ("A3B+"); {@code randomTarget} only for RANDOM. */
    public String label(int n, Half randomTarget) {
        if (!takesN()) {
            return jsonName;
        }
        if (this == RANDOM) {
            return "random" + n + (randomTarget == Half.ALL ? "" : randomTarget.name());
        }
        return source.name() + n + target.name() + (frozen ? "" : "+");
    }

    public static Optional<Treatment> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.jsonName.equals(name)).findFirst();
    }

    /** The treatment a plan or result file names; an unknown name is an error listing the known ones. */
    @JsonCreator
    static Treatment fromJson(String name) {
        return byName(name).orElseThrow(() -> new ExperimentException("unknown treatment \"" + name + "\"; known treatments: "
                + String.join(", ", names())));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Treatment::jsonName).toList();
    }
}
