package org.graft.opencl;

/** A kernel file failed to compile: carries the file name and the driver's full build log. */
public class ClBuildException extends ClException {
    private final String programName;
    private final String buildLog;

    public ClBuildException(String programName, String device, String buildLog, int code) {
        super("OpenCL program '" + programName + "' failed to build on " + device + ":\n" + buildLog, code);
        this.programName = programName;
        this.buildLog = buildLog;
    }

    public String programName() {
        return programName;
    }

    public String buildLog() {
        return buildLog;
    }
}
