/// Decides, on a server connection's event loop, when received request bytes may be credited
/// back to the client's connection-level flow-control window.
///
/// Invariant, per connection: bytes buffered + window the client may still use ≤ `budget.limit`,
/// so no client — however many streams it half-fills — makes the connection hold more than its
/// budget. Across the server, credit stops while the server-wide total is at its budget; the
/// total can then still grow by the window each connection had already granted.
/// Stream-level credit is separate (`HTTP2Connection` returns it per stream), which lets a message
/// larger than the stream window complete while the connection stays inside its budget.
final class ConnectionCreditLedger {
    let budget: ConnectionInboundBudget
    /// Connection window the client may still use, as far as we granted it (nghttp2 may batch
    /// WINDOW_UPDATEs, so the real figure is never larger).
    private(set) var outstandingWindow: Int
    /// Bytes received and not yet credited at connection level.
    private(set) var withheld = 0

    init(budget: ConnectionInboundBudget, initialWindow: Int) {
        self.budget = budget
        self.outstandingWindow = initialWindow
    }

    /// `byteCount` bytes of a live stream arrived (already added to the budget).
    /// - Returns: bytes to credit to the connection window now.
    func received(_ byteCount: Int) -> Int {
        outstandingWindow -= byteCount
        withheld += byteCount
        return grantable()
    }

    /// Credit that fits the budgets now; the caller must pass it to nghttp2.
    func grantable() -> Int {
        guard withheld > 0 else { return 0 }
        let room = budget.limit - budget.bufferedBytes - outstandingWindow
        let grant = budget.server.hasRoom ? min(withheld, max(0, room)) : 0
        withheld -= grant
        outstandingWindow += grant
        return grant
    }
}
