/// The `grpc-timeout` header: a positive integer of at most 8 digits and a unit letter.
///
/// Units: `H` hours, `M` minutes, `S` seconds, `m` milliseconds, `u` microseconds,
/// `n` nanoseconds. Encoding picks the finest unit whose value fits in 8 digits, rounding up so a
/// deadline is never shortened.
enum GRPCTimeout {
    /// Parses a header value; `nil` when it is not a valid timeout.
    static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let unit = bytes.last else { return nil }
        var value: Int64 = 0
        for digit in bytes.dropLast() {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(value * 3600)
        case UInt8(ascii: "M"): return .seconds(value * 60)
        case UInt8(ascii: "S"): return .seconds(value)
        case UInt8(ascii: "m"): return .milliseconds(value)
        case UInt8(ascii: "u"): return .microseconds(value)
        case UInt8(ascii: "n"): return .nanoseconds(value)
        default: return nil
        }
    }

    /// Encodes a duration; non-positive durations encode as `1n` (already expired).
    static func encode(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return "1n" }
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let limit: Int64 = 99_999_999
        if !nanoseconds.overflow {
            let total = nanoseconds.partialValue + (attoseconds + 999_999_999) / 1_000_000_000
            let units: [(Int64, String)] = [
                (1, "n"), (1000, "u"), (1_000_000, "m"), (1_000_000_000, "S"),
                (60_000_000_000, "M"), (3_600_000_000_000, "H"),
            ]
            for (scale, unit) in units {
                let value = (total + scale - 1) / scale
                if value <= limit { return "\(value)\(unit)" }
            }
        }
        let hours = min((seconds + 3599) / 3600, limit)
        return "\(hours)H"
    }
}
