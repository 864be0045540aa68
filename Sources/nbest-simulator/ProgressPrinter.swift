import Foundation
import Simulation
import Synchronization

/// Live progress: one rewritten line on a terminal (at most 4 updates a second), plain lines
/// at every tenth of the run otherwise (logs and pipes get no carriage returns).
final class ProgressPrinter: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var lastTenth = 0
        var drewLine = false
    }

    private let meter: ProgressMeter
    private let isTerminal: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    init(total: Int, isTerminal: Bool) {
        meter = ProgressMeter(total: total)
        self.isTerminal = isTerminal
    }

    func update(done: Int) {
        let now = ContinuousClock.now
        let line = meter.line(done: done, elapsed: now - started)
        let text: String? = state.withLock { state in
            if isTerminal {
                if let last = state.lastDraw, now - last < .milliseconds(250), done < meter.total {
                    return nil
                }
                state.lastDraw = now
                state.drewLine = true
                return "\r\u{1B}[K\(line)"
            }
            let tenth = meter.total > 0 ? done * 10 / meter.total : 10
            guard tenth > state.lastTenth else { return nil }
            state.lastTenth = tenth
            return "progress: \(line)\n"
        }
        if let text { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    /// Ends the rewritten line so the summary starts on its own.
    func end() {
        if isTerminal, state.withLock({ $0.drewLine }) { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
