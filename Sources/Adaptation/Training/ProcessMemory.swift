import Foundation

/// Resident memory of this process, for the per-step report.
public enum ProcessMemory {
    /// Resident set size in bytes from `/proc/self/statm` (0 where unavailable).
    public static var residentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
