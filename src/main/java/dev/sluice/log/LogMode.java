package dev.sluice.log;

/** The proxy mode a log format is compiled for: some variables exist only in HTTP. */
public enum LogMode {
    TCP, HTTP
}
