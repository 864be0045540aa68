import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT into a flag the training loop polls, so Ctrl-C saves a checkpoint before exiting.
///
/// The default disposition is replaced by a dispatch signal source; a second SIGINT while the
/// checkpoint is being written is ignored (the loop exits right after saving). Owned by the training
/// loop's thread; only the atomic `State` is shared with the handler.
final class InterruptFlag {
    /// Shared with the signal handler, which runs on a global dispatch queue.
    private final class State: Sendable {
        let raised = Atomic<Bool>(false)
    }

    private let state = State()
    private let source: any DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        self.source = source
        source.setEventHandler { [state] in
            state.raised.store(true, ordering: .relaxed)
        }
        source.resume()
    }

    /// Whether SIGINT arrived.
    var isRaised: Bool { state.raised.load(ordering: .relaxed) }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
