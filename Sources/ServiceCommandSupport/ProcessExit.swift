#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ends the process at once with `code`, after flushing C stdio (what `print` wrote).
///
/// The service executables do not call `exit`: it runs the exit-time handlers of every loaded
/// library, and with OpenBLAS worker threads, the compute pool's threads and libdispatch queues
/// still alive, that occasionally deadlocked on a loaded machine (a replica logged "stopped after
/// draining" and never ended; a simulator hung after printing its error). By the time this runs,
/// everything that must survive is already durable (SQLite commits, flushed logs, written
/// reports), so skipping those handlers loses nothing.
public func terminateProcess(_ code: Int32) -> Never {
    fflush(nil)
    _exit(code)
}
