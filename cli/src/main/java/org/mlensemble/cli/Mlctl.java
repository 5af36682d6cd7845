package org.mlensemble.cli;

/** Placeholder entry point; the client is being written. */
public final class Mlctl {

    private Mlctl() {
    }

    public static void main(String[] args) {
        System.err.println("mlctl: not implemented yet");
        System.exit(2);
    }
}
