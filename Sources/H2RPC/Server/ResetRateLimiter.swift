import NIOCore

/// Counts RST_STREAM frames a client sends in one-second windows ("rapid reset" defence).
///
/// Every reset counts, whether the call's handler was still pending or already running: a
/// reset of a running handler cost the server a task start and its work up to the cancellation,
/// which is exactly what the attack exploits.
struct ResetRateLimiter {
    let maximumPerSecond: Int
    private var windowStart = NIODeadline.now()
    private(set) var resetsInWindow = 0

    init(maximumPerSecond: Int) {
        self.maximumPerSecond = maximumPerSecond
    }

    /// Records one reset; returns whether the client is now over the limit.
    mutating func record(now: NIODeadline = .now()) -> Bool {
        if now - windowStart >= .seconds(1) {
            windowStart = now
            resetsInWindow = 0
        }
        resetsInWindow += 1
        return resetsInWindow > maximumPerSecond
    }
}
