/// Progress of a run as one line: done of total, rate, and estimated time to finish.
public struct ProgressMeter: Sendable {
    public var total: Int

    public init(total: Int) {
        self.total = total
    }

    /// The line for `done` utterances after `elapsed`, e.g. `37/120 done, 4.1 utt/s, ETA 20 s`.
    public func line(done: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta: String
        if done >= total {
            eta = "finished"
        } else if rate > 0 {
            eta = "ETA \(Self.format(seconds: Double(total - done) / rate))"
        } else {
            eta = "ETA unknown"
        }
        let shownRate = (rate * 10).rounded() / 10
        return "\(done)/\(total) done, \(shownRate) utt/s, \(eta)"
    }

    static func format(seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }
}
