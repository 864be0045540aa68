import CNGHTTP2
import NIOCore

/// Event-loop-confined state of one HTTP/2 stream carrying one RPC.
///
/// Holds both directions' buffers: the deframer and message queue for what the peer sends, and
/// the byte buffer nghttp2's data provider reads for what we send. Role-specific fields (the
/// server's handler task, the client's response state) sit beside them so one table serves both.
final class HTTP2StreamState {
    let streamID: Int32
    /// Header fields of the block being received (request headers, response headers or trailers).
    var headerFields: [(name: String, value: String)] = []
    /// Size of `headerFields` as HTTP/2 counts it (name + value + 32 per field).
    var headerListSize = 0
    /// Which kind of header block is being received.
    var headerCategory = NGHTTP2_HCAT_REQUEST

    var deframer: MessageDeframer
    let inbound: InboundMessageQueue
    /// The states of both halves; the Bool views below read (and advance) it.
    var lifecycle = StreamLifecycle()
    /// Whether received bytes are no longer delivered: END_STREAM seen, input failed, or the
    /// call ended. Setting it stops receiving (it never reopens).
    var inboundClosed: Bool {
        get { lifecycle.inbound != .receiving }
        set {
            assert(newValue, "a stream's inbound side never reopens")
            lifecycle.stopReceiving()
        }
    }
    /// Whether the peer sent END_STREAM.
    var peerEndedStream: Bool { lifecycle.inbound == .peerEnded }
    /// Reset the stream (NO_ERROR) once our END_STREAM is out, to stop a peer still sending.
    var resetAfterEndStream = false

    /// Framed message bytes waiting for nghttp2 to pull them into DATA frames.
    var outbound: ByteBuffer
    let gate: OutboundFlowGate
    /// Whether our body is complete (nothing more will be appended). Setting it ends the body.
    var outboundEnded: Bool {
        get { lifecycle.outbound == .bodyEnded }
        set {
            assert(newValue, "a stream's body never reopens")
            lifecycle.bodyEnded()
        }
    }
    /// What our messages are compressed with; the server picks it per call, the client per
    /// connection configuration.
    var outboundEncoding = MessageEncoding.identity
    /// Trailers to send after the body (server side).
    var trailers: [(name: String, value: String)]?
    /// Whether nghttp2 is parked on this stream's data provider.
    var isDeferred = false
    /// Whether response (server) or request (client) headers were submitted. Setting it records
    /// the submission.
    var headersSubmitted: Bool {
        get { lifecycle.outbound != .idle }
        set {
            assert(newValue, "headers cannot be unsent")
            lifecycle.headersSent()
        }
    }
    /// Whether the call has reached its final status from our point of view.
    var isFinished = false

    /// Server: the call's handler (pending or running), cancelled when the stream dies.
    var serverCall: ServerCallHandle?
    /// The deadline timer, cancelled when the stream closes.
    var deadlineTimer: Scheduled<Void>?
    /// Client: response state shared with the calling task.
    var clientCall: ClientCallState?

    init(
        streamID: Int32, maximumMessageSize: Int, inbound: InboundMessageQueue, gate: OutboundFlowGate,
        allocator: ByteBufferAllocator
    ) {
        self.streamID = streamID
        self.deframer = MessageDeframer(maximumMessageSize: maximumMessageSize)
        self.inbound = inbound
        self.gate = gate
        self.outbound = allocator.buffer(capacity: 0)
    }

    /// Copies up to `destination.count` buffered bytes out for a DATA frame.
    func readOutbound(into destination: UnsafeMutableRawBufferPointer) -> OutboundRead {
        let count = min(destination.count, outbound.readableBytes)
        if count > 0 {
            outbound.withUnsafeReadableBytes { source in
                destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
            }
            outbound.moveReaderIndex(forwardBy: count)
            if outbound.readableBytes == 0 {
                outbound.clear()
            } else if outbound.readerIndex > 1 << 20 {
                outbound.discardReadBytes()
            }
            gate.release(count)
        }
        if outbound.readableBytes == 0 && outboundEnded {
            return .end(count: count, trailers: trailers)
        }
        if count == 0 {
            isDeferred = true
            return .deferred
        }
        return .bytes(count)
    }
}
