package org.graft.net.config;

/** An enum of net.json whose constants are spelled in the file as Caffe spells them. */
public interface JsonEnum {
    /** The spelling in net.json, e.g. "MAX", "xavier", "InnerProduct". */
    String jsonName();
}
