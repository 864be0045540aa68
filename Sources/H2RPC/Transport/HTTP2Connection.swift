import CNGHTTP2
import Logging
import NIOCore

/// The NIO channel handler that owns one nghttp2 session: the part shared by server and client.
///
/// Threading: every method runs on the channel's event loop. Inbound bytes are fed to nghttp2 in
/// `channelRead`; output is drained with `nghttp2_session_mem_send` in `channelReadComplete`,
/// after every submit, and when the channel becomes writable again. Work from other threads
/// (handler tasks, callers) arrives through `eventLoop.execute` on a `NIOLoopBound` of this object.
class HTTP2Connection: ChannelInboundHandler, NGHTTP2SessionDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let session: NGHTTP2Session
    let limits: ConnectionLimits
    let statistics: TransportStatistics
    var logger: Logger
    private(set) var context: ChannelHandlerContext?
    var streams: [Int32: HTTP2StreamState] = [:]
    /// SETTINGS_MAX_CONCURRENT_STREAMS to put on the wire when nghttp2 was told a larger value
    /// (`limits.maximumConcurrentStreams`): the server refuses streams between the two itself.
    var advertisedMaximumConcurrentStreams: UInt32?
    /// Server: decides connection-level credit from the inbound byte budgets. Without it (client)
    /// a stream's credit is returned to the stream and the connection together.
    var creditLedger: ConnectionCreditLedger?

    /// The header fields this connection received lately, reused as strings.
    private var headerStrings = HeaderStringCache()
    /// True while inside nghttp2 (mem_recv or mem_send): no re-entrant flush or teardown.
    private var isInsideNGHTTP2 = false
    private var needsFlush = false
    private(set) var isClosed = false
    private var idleTimer: Scheduled<Void>?
    /// When bytes last arrived; the idle timer only fires after a full quiet period.
    private var lastActivity = NIODeadline.now()
    private var keepaliveTimer: Scheduled<Void>?
    private var pingTimeoutTimer: Scheduled<Void>?

    init(
        role: NGHTTP2Session.Role, limits: ConnectionLimits, statistics: TransportStatistics,
        logger: Logger
    ) throws(RPCError) {
        self.session = try NGHTTP2Session(role: role)
        self.limits = limits
        self.statistics = statistics
        self.logger = logger
        session.delegate = self
    }

    var eventLoop: (any EventLoop)? { context?.eventLoop }

    // MARK: NIO events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        statistics.connectionOpened()
        if context.channel.isActive { start() }
    }

    func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    private var started = false

    /// Sends our SETTINGS and arms the timers, once: on `channelActive`, or earlier when a client
    /// opens its first stream from the connect's completion (which NIO runs before it fires
    /// `channelActive`).
    func start() {
        guard !started else { return }
        started = true
        let rc = session.submitSettings(
            NGHTTP2SessionSettings(
                maximumConcurrentStreams: UInt32(clamping: limits.maximumConcurrentStreams),
                initialWindowSize: UInt32(clamping: limits.initialStreamWindowSize),
                connectionWindowSize: UInt32(clamping: limits.connectionWindowSize),
                maximumHeaderListSize: UInt32(clamping: limits.maximumHeaderListSize)))
        if rc != 0 {
            logger.error("nghttp2 rejected our SETTINGS", metadata: ["rc": "\(rc)"])
            closeConnection()
            return
        }
        armIdleTimer()
        armKeepalive()
        flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !isClosed else { return }
        lastActivity = .now()
        isInsideNGHTTP2 = true
        let rc = buffer.withUnsafeReadableBytes { session.receive($0) }
        isInsideNGHTTP2 = false
        if rc < 0 {
            logger.debug(
                "closing connection after invalid input",
                metadata: ["error": "\(String(cString: nghttp2_strerror(Int32(rc))))"])
            flush()
            closeConnection()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown(reason: RPCError(code: .unavailable, message: "The connection was closed."))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tearDown(reason: RPCError(code: .unavailable, message: "The connection was closed."))
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        closeConnection()
    }

    /// Fails every stream and releases the session; idempotent.
    func tearDown(reason: RPCError) {
        guard !isClosed else { return }
        isClosed = true
        idleTimer?.cancel()
        keepaliveTimer?.cancel()
        pingTimeoutTimer?.cancel()
        let open = streams
        streams = [:]
        for stream in open.values {
            streamWillBeRemoved(stream, reason: reason)
        }
        statistics.connectionClosed()
        if !isInsideNGHTTP2 { session.terminate() }
    }

    /// Closes the TCP connection now.
    func closeConnection() {
        guard let context, context.channel.isActive else { return }
        context.close(promise: nil)
    }

    // MARK: Output

    private var isFlushScheduled = false

    /// Flushes once after the event-loop tasks already queued have run.
    ///
    /// Work arriving from handler tasks uses this instead of `flush()`: when many calls finish at
    /// once their frames leave in one write instead of one syscall each.
    func scheduleFlush() {
        guard !isFlushScheduled, !isClosed, let loop = eventLoop else { return }
        isFlushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: loop)
        loop.execute {
            let connection = bound.value
            connection.isFlushScheduled = false
            connection.flush()
        }
    }

    /// Drains nghttp2's pending output into the channel while the channel is writable.
    func flush() {
        guard !isClosed, let context else { return }
        if isInsideNGHTTP2 {
            needsFlush = true
            return
        }
        isInsideNGHTTP2 = true
        var wroteAnything = false
        repeat {
            needsFlush = false
            var pending = context.channel.allocator.buffer(capacity: 0)
            while true {
                guard let chunk = session.nextOutput() else {
                    isInsideNGHTTP2 = false
                    logger.debug("nghttp2 failed while producing output")
                    closeConnection()
                    return
                }
                if chunk.isEmpty { break }
                pending.writeBytes(chunk)
                if let advertised = advertisedMaximumConcurrentStreams,
                    Self.rewriteMaximumConcurrentStreams(in: &pending, to: advertised)
                {
                    advertisedMaximumConcurrentStreams = nil
                }
                if pending.readableBytes >= 65_536 {
                    context.write(wrapOutboundOut(pending), promise: nil)
                    wroteAnything = true
                    pending = context.channel.allocator.buffer(capacity: 0)
                    if !context.channel.isWritable { break }
                }
            }
            if pending.readableBytes > 0 {
                context.write(wrapOutboundOut(pending), promise: nil)
                wroteAnything = true
            }
        } while needsFlush && context.channel.isWritable
        isInsideNGHTTP2 = false
        if wroteAnything { context.flush() }
        if !session.isActive {
            closeConnection()
        }
    }

    /// Rewrites SETTINGS_MAX_CONCURRENT_STREAMS in the SETTINGS frame at the start of `buffer`.
    ///
    /// Our SETTINGS frame is the first thing nghttp2 writes on a connection, so this runs once,
    /// on the first output. Returns whether the frame was found (and patched when it has the entry).
    static func rewriteMaximumConcurrentStreams(in buffer: inout ByteBuffer, to value: UInt32) -> Bool {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 9,
            let b0 = buffer.getInteger(at: start, as: UInt8.self),
            let b1 = buffer.getInteger(at: start + 1, as: UInt8.self),
            let b2 = buffer.getInteger(at: start + 2, as: UInt8.self),
            buffer.getInteger(at: start + 3, as: UInt8.self) == 4
        else { return false }
        let length = Int(b0) << 16 | Int(b1) << 8 | Int(b2)
        guard buffer.readableBytes >= 9 + length else { return false }
        var offset = start + 9
        while offset + 6 <= start + 9 + length {
            if buffer.getInteger(at: offset, as: UInt16.self) == 3 {
                buffer.setInteger(value, at: offset + 2)
            }
            offset += 6
        }
        return true
    }

    // MARK: Stream bodies

    /// Appends framed bytes to a stream's outbound buffer and wakes nghttp2 if it was parked.
    func appendOutbound(_ stream: HTTP2StreamState, _ bytes: [UInt8]) {
        stream.outbound.writeBytes(bytes)
        resumeIfDeferred(stream)
    }

    /// Marks a stream's body complete (trailers, if any, are already set) and wakes nghttp2.
    func endOutbound(_ stream: HTTP2StreamState) {
        stream.outboundEnded = true
        resumeIfDeferred(stream)
    }

    private func resumeIfDeferred(_ stream: HTTP2StreamState) {
        if stream.isDeferred {
            stream.isDeferred = false
            session.resumeData(streamID: stream.streamID)
        }
    }

    /// Returns `byteCount` bytes of flow-control credit for a stream to the peer.
    func credit(streamID: Int32, byteCount: Int) {
        guard !isClosed else { return }
        returnStreamCredit(streamID: streamID, byteCount: byteCount)
        scheduleFlush()
    }

    /// Returns credit a stream's queue had deferred: to the stream alone when a ledger governs
    /// the connection window, to both otherwise.
    func returnStreamCredit(streamID: Int32, byteCount: Int) {
        if creditLedger != nil {
            session.consumeStream(streamID: streamID, byteCount: byteCount)
        } else {
            session.consume(streamID: streamID, byteCount: byteCount)
        }
    }

    /// Grants whatever withheld connection credit the budgets allow now (after bytes were
    /// released or the server-wide total fell below its budget).
    func grantConnectionCredit() {
        guard !isClosed, let creditLedger else { return }
        let grant = creditLedger.grantable()
        if grant > 0 {
            session.consumeConnection(byteCount: grant)
            scheduleFlush()
        }
        if creditLedger.withheld > 0 { connectionCreditWithheld() }
    }

    /// The ledger kept credit back: arrange to be woken when bytes are released.
    func connectionCreditWithheld() {}

    /// Makes a credit callback that hops to this connection's event loop.
    func makeCreditCallback(streamID: Int32) -> @Sendable (Int) -> Void {
        let loop = context!.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        return { byteCount in
            loop.execute { bound.value.credit(streamID: streamID, byteCount: byteCount) }
        }
    }

    // MARK: Timers

    /// Arms the idle timer when no stream is open and it is not armed yet.
    ///
    /// A pending timer is left alone rather than re-scheduled as streams come and go (that was a
    /// cancel and a new scheduled task per call): when it fires it checks `streams` and
    /// `lastActivity`, and waits for a full quiet period after the last bytes arrived or the last
    /// stream ended.
    func armIdleTimer() {
        guard idleTimer == nil, let idleTimeout = limits.idleTimeout, streams.isEmpty, let loop = eventLoop
        else { return }
        let bound = NIOLoopBound(self, eventLoop: loop)
        idleTimer = loop.scheduleTask(in: TimeAmount(idleTimeout)) {
            bound.value.idleTimerFired()
        }
    }

    private func idleTimerFired() {
        idleTimer = nil
        // With streams open the connection is not idle; the last stream to close re-arms the timer.
        guard let idleTimeout = limits.idleTimeout, streams.isEmpty, !isClosed, let loop = eventLoop else {
            return
        }
        let quietUntil = lastActivity + TimeAmount(idleTimeout)
        if quietUntil > .now() {
            // Bytes arrived recently (maybe a request in flight): wait for a full quiet period.
            let bound = NIOLoopBound(self, eventLoop: loop)
            idleTimer = loop.scheduleTask(deadline: quietUntil) { bound.value.idleTimerFired() }
            return
        }
        closeIdleConnection()
    }

    /// The connection has been idle for the whole period: GOAWAY and close at once. A client has
    /// no race to fear here (its own calls see the connection closed before they send anything);
    /// the server overrides this with a two-step GOAWAY for requests already on their way.
    func closeIdleConnection() {
        logger.debug("closing idle connection")
        session.submitGoAway(errorCode: NGHTTP2_NO_ERROR, debug: "idle")
        flush()
        closeConnection()
    }

    private func armKeepalive() {
        guard let interval = limits.keepaliveInterval, let loop = eventLoop else { return }
        let bound = NIOLoopBound(self, eventLoop: loop)
        keepaliveTimer = loop.scheduleTask(in: TimeAmount(interval)) {
            bound.value.sendKeepalivePing()
        }
    }

    private func sendKeepalivePing() {
        guard !isClosed, let loop = eventLoop else { return }
        session.submitPing(payload: Self.keepalivePingPayload)
        flush()
        let bound = NIOLoopBound(self, eventLoop: loop)
        pingTimeoutTimer = loop.scheduleTask(in: TimeAmount(limits.keepaliveTimeout)) {
            let connection = bound.value
            connection.logger.debug("keepalive PING not acknowledged; closing connection")
            connection.tearDown(
                reason: RPCError(code: .unavailable, message: "Keepalive PING was not acknowledged in time."))
            connection.closeConnection()
        }
    }

    // MARK: NGHTTP2SessionDelegate (shared parts)

    func sessionDidSendEndStream(streamID: Int32) {
        guard let stream = streams[streamID], stream.resetAfterEndStream, !stream.peerEndedStream else {
            return
        }
        // RFC 9113 §8.1: a complete response lets the server stop the request with NO_ERROR.
        session.resetStream(streamID: streamID, errorCode: NGHTTP2_NO_ERROR)
    }

    /// Keepalive PINGs carry this payload; other PINGs (the server's idle shutdown) their own.
    static let keepalivePingPayload: UInt64 = 0

    func sessionDidReceivePingAck(payload: UInt64) {
        guard payload == Self.keepalivePingPayload else { return }
        statistics.pingAcknowledged()
        pingTimeoutTimer?.cancel()
        pingTimeoutTimer = nil
        armKeepalive()
    }

    func sessionReadOutbound(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> OutboundRead {
        guard let stream = streams[streamID] else {
            // The stream was torn down while nghttp2 still held its provider: end it empty.
            return .end(count: 0, trailers: nil)
        }
        return stream.readOutbound(into: buffer)
    }

    func sessionDidReceiveData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], !stream.inboundClosed else {
            // Data for a stream we already finished: nobody will read it, credit it now.
            session.consume(streamID: streamID, byteCount: bytes.count)
            return
        }
        guard let creditLedger, stream.inbound.account(bytes.count) else {
            receiveUnbudgeted(stream, bytes)
            return
        }
        // The connection window follows the budget; the stream window follows its reader.
        let grant = creditLedger.received(bytes.count)
        if grant > 0 { session.consumeConnection(byteCount: grant) }
        if creditLedger.withheld > 0 { connectionCreditWithheld() }
        var messages = DeframedMessages()
        do {
            try stream.deframer.append(bytes, into: &messages)
        } catch {
            session.consumeStream(streamID: streamID, byteCount: bytes.count)
            inboundFailed(stream, error: error.rpcError)
            return
        }
        for (message, wireLength) in messages {
            stream.inbound.push(message, wireLength: wireLength)
        }
        if stream.inbound.shouldCreditNow(bytes.count) {
            session.consumeStream(streamID: streamID, byteCount: bytes.count)
        }
    }

    /// DATA on a connection without a budget: stream and connection credit go together.
    private func receiveUnbudgeted(_ stream: HTTP2StreamState, _ bytes: UnsafeRawBufferPointer) {
        var messages = DeframedMessages()
        do {
            try stream.deframer.append(bytes, into: &messages)
        } catch {
            session.consume(streamID: stream.streamID, byteCount: bytes.count)
            inboundFailed(stream, error: error.rpcError)
            return
        }
        for (message, wireLength) in messages {
            stream.inbound.push(message, wireLength: wireLength)
        }
        if stream.inbound.shouldCreditNow(bytes.count) {
            session.consume(streamID: stream.streamID, byteCount: bytes.count)
        }
    }

    func sessionDidReceiveEndOfData(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        peerDidEndStream(stream)
    }

    /// The peer finished sending: check the last message was complete and end the queue.
    func peerDidEndStream(_ stream: HTTP2StreamState) {
        guard stream.lifecycle.inbound == .receiving else {
            stream.lifecycle.peerEnded()
            return
        }
        do {
            try stream.deframer.finish()
        } catch {
            inboundFailed(stream, error: error.rpcError)
            stream.lifecycle.peerEnded()
            return
        }
        stream.lifecycle.peerEnded()
        inboundDidEnd(stream)
    }

    func sessionStreamDidClose(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        let reason: RPCError
        switch errorCode {
        case NGHTTP2_NO_ERROR.rawValue:
            reason = RPCError(code: .cancelled, message: "The stream was closed before the call finished.")
        case NGHTTP2_CANCEL.rawValue:
            reason = RPCError(code: .cancelled, message: "The peer cancelled the call (RST_STREAM CANCEL).")
        case NGHTTP2_REFUSED_STREAM.rawValue:
            reason = RPCError(
                code: .unavailable, message: "The peer refused the stream.", cause: StreamRefused())
        default:
            reason = RPCError(
                code: .internal, message: "The stream was reset with HTTP/2 error code \(errorCode).")
        }
        streamWillBeRemoved(stream, reason: reason)
        // The end of a call counts as activity: the idle period starts after the last one.
        if limits.idleTimeout != nil { lastActivity = .now() }
        armIdleTimer()
    }

    // MARK: Role hooks (overridden)

    func sessionDidBeginHeaders(streamID: Int32, category: nghttp2_headers_category) {}

    func sessionDidReceiveHeader(
        streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
    ) {
        guard let stream = streams[streamID] else { return }
        stream.headerListSize += name.count + value.count + 32
        if stream.headerListSize <= limits.maximumHeaderListSize {
            let name = headerStrings.string(name)
            let value = headerStrings.string(value)
            // A gRPC request carries about eight fields: one allocation instead of growing 1-2-4-8.
            if stream.headerFields.capacity == 0 { stream.headerFields.reserveCapacity(12) }
            stream.headerFields.append((name, value))
        }
    }

    func sessionDidReceiveHeaders(streamID: Int32, endStream: Bool) {}
    func sessionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32) {}
    func sessionDidReceiveReset(streamID: Int32) {}

    /// The inbound side ended cleanly.
    func inboundDidEnd(_ stream: HTTP2StreamState) {
        stream.inbound.finish(.success(()))
    }

    /// The inbound bytes were invalid; the role decides which status to send.
    func inboundFailed(_ stream: HTTP2StreamState, error: RPCError) {
        stream.inboundClosed = true
        let credit = stream.inbound.finish(.failure(error))
        returnStreamCredit(streamID: stream.streamID, byteCount: credit)
    }

    /// The stream leaves the table (closed or connection gone): release everything it holds.
    func streamWillBeRemoved(_ stream: HTTP2StreamState, reason: RPCError) {
        stream.deadlineTimer?.cancel()
        let credit = stream.inbound.finish(.failure(reason))
        if !isClosed { returnStreamCredit(streamID: stream.streamID, byteCount: credit) }
        stream.gate.close(reason)
        statistics.streamClosed()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if nanoseconds.overflow {
            self = .nanoseconds(Int64.max)
        } else {
            self = .nanoseconds(nanoseconds.partialValue + attoseconds / 1_000_000_000)
        }
    }
}

/// Marks an `UNAVAILABLE` caused by REFUSED_STREAM (or GOAWAY): the peer did not process the
/// request, so a client may safely retry it.
struct StreamRefused: Error {}
