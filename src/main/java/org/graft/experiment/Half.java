package org.graft.experiment;

/** Which part of a split a network trains on or copies from; ALL is the whole class set (the paper's netbase). */
public enum Half {
    A, B, ALL;

    public Half other() {
        return switch (this) {
            case A -> B;
            case B -> A;
            case ALL -> ALL;
        };
    }
}
