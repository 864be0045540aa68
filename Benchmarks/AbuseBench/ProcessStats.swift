import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `/proc` says about the server process: CPU time and resident memory.
///
/// Linux only, by design: the benchmark measures the server from outside, as an operator would.
struct ProcessStats {
    let pid: Int32

    /// User plus system CPU seconds used so far (`/proc/PID/stat` fields 14 and 15).
    func cpuSeconds() throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces; fields after it follow the last ')'.
        guard let close = text.lastIndex(of: ")") else { throw BenchError("unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("unexpected /proc/\(pid)/stat layout")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A `/proc/PID/status` memory field in MiB (`VmHWM` peak, `VmRSS` current).
    func memoryMiB(_ field: String) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { throw BenchError("no \(field) in /proc/\(pid)/status") }
        return kilobytes / 1024
    }

    /// Resets `VmHWM` to the current RSS so each phase reports its own peak.
    ///
    /// - Returns: false when the kernel refuses (then the peak is since the server started).
    func resetPeak() -> Bool {
        (try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(pid)/clear_refs"))) != nil
    }
}

/// A benchmark failure with a message for the operator.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
