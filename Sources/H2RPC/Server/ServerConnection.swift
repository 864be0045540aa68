import CNGHTTP2
import Logging
import NIOCore

/// The server side of one HTTP/2 connection: validates requests, routes them to handlers, and
/// turns handler results into responses, trailers and resets.
///
/// Confined to its channel's event loop. Each accepted call runs its handler in a new task;
/// the task reaches back here only through `eventLoop.execute` (see `ServerStreamSink`).
final class ServerConnection: HTTP2Connection {
    private let configuration: ServerConfiguration
    private let validator: RequestValidator
    private let tracker: ServerCallTracker
    private var isDraining = false
    private var forceCloseTimer: Scheduled<Void>?
    private var resetLimiter: ResetRateLimiter
    private let serverInboundBudget: ServerInboundBudget

    /// - Parameter inboundBudget: the server-wide inbound byte budget shared by all connections
    ///   (`nil`: one of this connection's own, sized by `configuration`).
    init(
        router: RPCRouter, configuration: ServerConfiguration, tracker: ServerCallTracker,
        statistics: TransportStatistics, logger: Logger, inboundBudget: ServerInboundBudget? = nil
    ) throws(RPCError) {
        self.configuration = configuration
        self.validator = RequestValidator(
            router: router, bearerToken: configuration.bearerToken,
            maximumHeaderListSize: configuration.limits.maximumHeaderListSize,
            acceptsGzip: configuration.compression.acceptsGzip)
        self.responseHeaders = [
            (":status", "200"), ("content-type", "application/grpc"),
            ("grpc-accept-encoding", configuration.compression.acceptEncodingHeaderValue),
        ]
        self.tracker = tracker
        self.resetLimiter = ResetRateLimiter(maximumPerSecond: configuration.maximumResetsPerSecond)
        self.serverInboundBudget =
            inboundBudget
            ?? ServerInboundBudget(
                limit: configuration.maximumBufferedInboundBytesPerServer, statistics: statistics)
        var limits = configuration.limits
        // Half the connection's budget at most, so ordinary traffic (bytes read soon after they
        // arrive) never waits for the budget; at least the 65,535 bytes HTTP/2 starts with.
        limits.connectionWindowSize = min(
            limits.connectionWindowSize,
            max(65_535, configuration.maximumBufferedInboundBytesPerConnection / 2))
        // nghttp2 treats a stream beyond the limit it believes it advertised as a connection error;
        // it is told a larger limit (the wire still carries the configured one) so that streams
        // between the two are refused one by one in `sessionDidBeginHeaders`.
        limits.maximumConcurrentStreams = Self.nghttp2StreamLimit(
            configured: configuration.limits.maximumConcurrentStreams)
        try super.init(role: .server, limits: limits, statistics: statistics, logger: logger)
        advertisedMaximumConcurrentStreams = UInt32(clamping: configuration.limits.maximumConcurrentStreams)
    }

    /// The limit nghttp2 enforces as a connection error: twice the configured one (at least 100
    /// more), for clients that keep opening streams after they were refused.
    static func nghttp2StreamLimit(configured: Int) -> Int {
        let (doubled, overflow) = configured.multipliedReportingOverflow(by: 2)
        return overflow ? Int(UInt32.max) : min(max(doubled, configured + 100), Int(UInt32.max))
    }

    // MARK: Inbound budget

    override func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let weak = NIOLoopBound(WeakServerConnection(self), eventLoop: loop)
        let budget = ConnectionInboundBudget(
            limit: configuration.maximumBufferedInboundBytesPerConnection, server: serverInboundBudget,
            wake: { loop.execute { weak.value.connection?.grantConnectionCredit() } })
        creditLedger = ConnectionCreditLedger(budget: budget, initialWindow: limits.connectionWindowSize)
        super.handlerAdded(context: context)
    }

    override func connectionCreditWithheld() {
        guard let creditLedger, let loop = eventLoop else { return }
        creditLedger.budget.requestWake()
        let weak = NIOLoopBound(WeakServerConnection(self), eventLoop: loop)
        let wake: @Sendable () -> Void = { loop.execute { weak.value.connection?.grantConnectionCredit() } }
        if !serverInboundBudget.hasRoom {
            serverInboundBudget.notifyWhenRoom(ObjectIdentifier(self), wake)
        } else if creditLedger.budget.limit - creditLedger.budget.bufferedBytes
            - creditLedger.outstandingWindow > 0
        {
            // Bytes were released between our check and the wake request: try again shortly.
            wake()
        }
    }

    // MARK: Receiving requests

    override func sessionDidBeginHeaders(streamID: Int32, category: nghttp2_headers_category) {
        if category == NGHTTP2_HCAT_REQUEST {
            guard !isClosed, let context else { return }
            if streams.count >= configuration.limits.maximumConcurrentStreams {
                // RFC 9113 §5.1.2: refuse the stream; the client may retry it, the connection lives.
                logger.debug(
                    "refusing a stream beyond the concurrent-stream limit",
                    metadata: ["limit": "\(configuration.limits.maximumConcurrentStreams)"])
                session.resetStream(streamID: streamID, errorCode: NGHTTP2_REFUSED_STREAM)
                return
            }
            let stream = HTTP2StreamState(
                streamID: streamID,
                maximumMessageSize: limits.maximumReceiveMessageSize,
                inbound: InboundMessageQueue(
                    bufferLimit: limits.streamReceiveBufferLimit, budget: creditLedger?.budget,
                    onCreditAvailable: makeCreditCallback(streamID: streamID)),
                gate: OutboundFlowGate(highWatermark: limits.streamSendHighWatermark, statistics: statistics),
                allocator: context.channel.allocator)
            streams[streamID] = stream
            statistics.streamOpened()
        } else if let stream = streams[streamID] {
            stream.headerFields = []
            stream.headerListSize = 0
        }
        streams[streamID]?.headerCategory = category
    }

    override func sessionDidReceiveHeaders(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID] else { return }
        if stream.headerCategory == NGHTTP2_HCAT_REQUEST {
            startCall(stream)
        }
        stream.headerFields = []
        if endStream { peerDidEndStream(stream) }
    }

    /// Parses the request head, validates it, and launches the handler (or rejects the call).
    private func startCall(_ stream: HTTP2StreamState) {
        let head = RequestHead(fields: stream.headerFields, listSize: stream.headerListSize)
        do throws(RequestRejection) {
            launch(stream, try validator.validate(head))
        } catch {
            switch error {
            case .httpStatus(let status): respondHTTP(stream, status: status)
            case .status(let status): reject(stream, status)
            }
        }
    }

    /// Creates the call's context and handler task; single-request methods start once their
    /// request is complete (`inboundDidEnd`, also when HEADERS carried END_STREAM), so the
    /// handler finds the message waiting instead of being woken once per frame.
    private func launch(_ stream: HTTP2StreamState, _ request: AcceptedRequest) {
        guard let context else { return }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let box = ResponseMetadataBox()
        stream.deframer.encoding = request.requestEncoding
        if configuration.compression.sendsGzip && request.clientAcceptsGzip {
            stream.outboundEncoding = .gzip
        }
        let invocation = HandlerInvocation(
            handler: request.handler,
            requests: RequestStream<[UInt8]>(queue: stream.inbound, decode: { $0 }),
            sink: ServerStreamSink(
                eventLoop: loop, connection: bound, streamID: stream.streamID, gate: stream.gate,
                response: box, maximumMessageSize: limits.maximumSendMessageSize,
                encoding: stream.outboundEncoding),
            context: ServerContext(
                method: request.handler.method,
                metadata: request.metadata,
                deadline: request.timeout.map { ContinuousClock.now.advanced(by: $0) },
                peer: peerDescription(context),
                response: box),
            maximumSendMessageSize: limits.maximumSendMessageSize,
            responseEncoding: stream.outboundEncoding)
        let streamID = stream.streamID
        stream.serverCall = ServerCallHandle(response: box, invocation: invocation)
        let kind = request.handler.method.kind
        if !(kind == .unary || kind == .serverStreaming) {
            startHandler(stream)
        }
        if let timeout = request.timeout {
            stream.deadlineTimer = loop.scheduleTask(in: TimeAmount(timeout)) {
                bound.value.deadlineExpired(streamID: streamID)
            }
        }
    }

    /// Starts the stream's handler in a new task (unless it started or the call was cancelled).
    private func startHandler(_ stream: HTTP2StreamState) {
        guard let call = stream.serverCall, let loop = eventLoop else { return }
        let bound = NIOLoopBound(self, eventLoop: loop)
        let streamID = stream.streamID
        let tracker = self.tracker
        let executor = taskExecutor(loop)
        call.start { invocation in
            tracker.callStarted()
            return Task(executorPreference: executor) {
                let outcome = await invocation.run()
                // Always queued, also when the task runs on the loop: the handler's messages are
                // queued the same way and must go out before its status.
                loop.execute { bound.value.finishCall(streamID: streamID, outcome) }
                tracker.callFinished()
            }
        }
    }

    private var cachedPeer: String?
    private var eventLoopExecutor: EventLoopTaskExecutor?

    /// The executor handler tasks prefer: `nil` (global) or this connection's event loop.
    private func taskExecutor(_ loop: any EventLoop) -> (any TaskExecutor)? {
        guard configuration.handlerExecution == .connectionEventLoop else { return nil }
        if let eventLoopExecutor { return eventLoopExecutor }
        let executor = EventLoopTaskExecutor(eventLoop: loop)
        eventLoopExecutor = executor
        return executor
    }

    /// The client's address, formatted once per connection rather than once per call.
    private func peerDescription(_ context: ChannelHandlerContext) -> String {
        if let cachedPeer { return cachedPeer }
        let peer = context.channel.remoteAddress?.description ?? "unknown"
        cachedPeer = peer
        return peer
    }

    /// Whether a `content-type` names gRPC (the client checks responses with the same rule).
    static func isGRPCContentType(_ value: String) -> Bool {
        RequestValidator.isGRPCContentType(value)
    }

    // MARK: Sending responses

    /// Sends one framed response message, submitting the response headers first if needed.
    func sendMessage(streamID: Int32, framed: [UInt8], initialMetadata: [(name: String, value: String)]?) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        if !stream.headersSubmitted {
            stream.headersSubmitted = true
            let rc = session.submitResponse(
                streamID: streamID, headers: responseHeaders(stream) + (initialMetadata ?? []), hasBody: true)
            if rc != 0 {
                logger.debug("could not submit response headers", metadata: ["rc": "\(rc)"])
                session.resetStream(streamID: streamID, errorCode: NGHTTP2_INTERNAL_ERROR)
                flush()
                return
            }
        }
        appendOutbound(stream, framed)
        scheduleFlush()
    }

    /// Ends a call with the outcome of its handler.
    func finishCall(streamID: Int32, _ outcome: HandlerInvocation.Outcome) {
        streams[streamID]?.serverCall?.handlerFinished()
        finishCall(
            streamID: streamID, finalMessage: outcome.finalMessage, failure: outcome.failure,
            trailing: outcome.trailing, initial: outcome.initial)
    }

    /// Ends a call with its status: trailers after the body, or Trailers-Only if nothing was sent.
    func finishCall(
        streamID: Int32, finalMessage: [UInt8]? = nil, failure: RPCError?, trailing: Metadata,
        initial: Metadata?
    ) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        stream.isFinished = true
        stream.deadlineTimer?.cancel()
        stopReading(stream)
        var status = failure
        var trailerFields: [(name: String, value: String)] = []
        do {
            trailerFields = try MetadataWireFormat.encode(failure?.metadata ?? trailing)
            if failure != nil { trailerFields += try MetadataWireFormat.encode(trailing) }
        } catch {
            status = error
            trailerFields = []
        }
        var initialFields: [(name: String, value: String)] = []
        if let initial, !stream.headersSubmitted {
            initialFields = (try? MetadataWireFormat.encode(initial)) ?? []
        }
        let statusFields = Self.statusFields(status)
        if let finalMessage, status == nil {
            // Unary-style response: headers, the message and trailers in one step.
            if !stream.headersSubmitted {
                stream.headersSubmitted = true
                _ = session.submitResponse(
                    streamID: streamID, headers: Self.joined(responseHeaders(stream), initialFields),
                    hasBody: true)
            }
            stream.outbound.writeBytes(finalMessage)
            stream.trailers = Self.joined(statusFields, trailerFields)
            endOutbound(stream)
        } else if stream.headersSubmitted {
            stream.trailers = Self.joined(statusFields, trailerFields)
            endOutbound(stream)
        } else {
            // Trailers-Only: one HEADERS frame ends our side.
            stream.outboundEnded = true
            _ = session.submitResponse(
                streamID: streamID,
                headers: responseHeaders(stream) + initialFields + statusFields + trailerFields,
                hasBody: false)
        }
        scheduleFlush()
    }

    /// Rejects a call before any handler runs, with a Trailers-Only response.
    private func reject(_ stream: HTTP2StreamState, _ error: RPCError) {
        stream.isFinished = true
        stream.resetAfterEndStream = true
        stream.outboundEnded = true
        stopReading(stream)
        _ = session.submitResponse(
            streamID: stream.streamID, headers: responseHeaders(stream) + Self.statusFields(error),
            hasBody: false)
        logger.debug("rejected call", metadata: ["status": "\(error)"])
    }

    /// Answers a non-gRPC request with a bare HTTP status.
    private func respondHTTP(_ stream: HTTP2StreamState, status: Int) {
        stream.isFinished = true
        stream.resetAfterEndStream = true
        stream.outboundEnded = true
        stopReading(stream)
        _ = session.submitResponse(
            streamID: stream.streamID, headers: [(":status", "\(status)"), ("content-length", "0")],
            hasBody: false)
    }

    /// Nothing will read this stream's requests any more: credit buffered and future bytes at once.
    private func stopReading(_ stream: HTTP2StreamState) {
        guard !stream.inboundClosed else { return }
        stream.inboundClosed = true
        let credit = stream.inbound.finish(
            .failure(RPCError(code: .cancelled, message: "The call already finished.")))
        returnStreamCredit(streamID: stream.streamID, byteCount: credit)
    }

    /// `:status`, `content-type` and the encodings we accept, sent on every gRPC response.
    private let responseHeaders: [(name: String, value: String)]

    /// The response headers of `stream`, naming its `grpc-encoding` when responses are compressed.
    private func responseHeaders(_ stream: HTTP2StreamState) -> [(name: String, value: String)] {
        guard stream.outboundEncoding == .gzip else { return responseHeaders }
        return responseHeaders + [("grpc-encoding", "gzip")]
    }

    /// `a` followed by `b`, without a new array when `b` is empty (the common case: no metadata).
    private static func joined(
        _ a: [(name: String, value: String)], _ b: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        b.isEmpty ? a : a + b
    }

    /// The trailers of every successful call, built once.
    private static let okStatusFields = [(name: "grpc-status", value: "0")]

    static func statusFields(_ failure: RPCError?) -> [(name: String, value: String)] {
        guard let failure else { return okStatusFields }
        var fields = [(name: "grpc-status", value: "\(failure.code.rawValue)")]
        if !failure.message.isEmpty {
            fields.append(("grpc-message", StatusMessageEncoding.encode(failure.message)))
        }
        return fields
    }

    // MARK: Failures, deadlines, cancellation

    override func inboundDidEnd(_ stream: HTTP2StreamState) {
        super.inboundDidEnd(stream)
        startHandler(stream)
    }

    override func inboundFailed(_ stream: HTTP2StreamState, error: RPCError) {
        super.inboundFailed(stream, error: error)
        // The handler may be blocked writing; it learns the status when its task is cancelled.
        stream.serverCall?.cancel()
        stream.resetAfterEndStream = true
        finishCall(streamID: stream.streamID, failure: error, trailing: Metadata(), initial: nil)
    }

    /// The call's `grpc-timeout` passed: cancel the handler and end the call with
    /// DEADLINE_EXCEEDED — Trailers-Only if nothing was sent, otherwise trailers after the
    /// messages already queued (they are whole messages, so the body stays well-formed).
    /// The stream is reset (NO_ERROR) after our END_STREAM only if the client is still sending.
    func deadlineExpired(streamID: Int32) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        stream.serverCall?.cancel()
        let error = RPCError(code: .deadlineExceeded, message: "The call's deadline was exceeded.")
        stream.gate.close(error)
        stream.resetAfterEndStream = true
        finishCall(streamID: streamID, failure: error, trailing: Metadata(), initial: nil)
    }

    override func streamWillBeRemoved(_ stream: HTTP2StreamState, reason: RPCError) {
        // Reset, connection loss, or our own end: a handler still running has nobody to answer.
        stream.serverCall?.cancel()
        super.streamWillBeRemoved(stream, reason: reason)
        // While draining, nghttp2 stops wanting to read once the last stream is gone (GOAWAY was
        // sent); `flush` then closes the connection after writing what is pending.
        if isDraining && streams.isEmpty { flush() }
    }

    // MARK: Abuse

    override func sessionDidReceiveReset(streamID: Int32) {
        guard resetLimiter.record(), !isDraining else { return }
        logger.warning(
            "client resets streams too fast; closing the connection",
            metadata: ["resets_per_second": "\(resetLimiter.resetsInWindow)"])
        isDraining = true
        for stream in streams.values {
            stream.serverCall?.cancel()
        }
        // GOAWAY(ENHANCE_YOUR_CALM); the connection closes as soon as it is written.
        session.terminateSession(errorCode: NGHTTP2_ENHANCE_YOUR_CALM)
        flush()
    }

    // MARK: Graceful shutdown

    /// Sends GOAWAY so no new calls start, lets open calls finish, and closes when they have or
    /// when the grace period ends.
    func beginGracefulShutdown(gracePeriod: Duration) {
        guard !isDraining, !isClosed, let loop = eventLoop else { return }
        isDraining = true
        session.submitGoAway(errorCode: NGHTTP2_NO_ERROR, debug: "server shutting down")
        flush()
        if streams.isEmpty {
            closeConnection()
            return
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        forceCloseTimer = loop.scheduleTask(in: TimeAmount(gracePeriod)) {
            let connection = bound.value
            connection.logger.debug(
                "grace period over; cancelling calls",
                metadata: ["open_streams": "\(connection.streams.count)"])
            connection.cancelAllStreams()
            connection.closeConnection()
        }
    }

    /// Resets every open stream with CANCEL so clients see `CANCELLED`, then flushes.
    private func cancelAllStreams() {
        for stream in streams.values {
            stream.serverCall?.cancel()
            stream.isFinished = true
            session.resetStream(streamID: stream.streamID, errorCode: NGHTTP2_CANCEL)
        }
        flush()
    }

    // MARK: Idle shutdown

    /// The idle shutdown's PING payload ("idle" in ASCII), told apart from keepalive PINGs.
    static let idlePingPayload: UInt64 = 0x6964_6C65
    /// Set while the idle shutdown notice waits for its PING to come back.
    private var idleNoticeTimer: Scheduled<Void>?

    /// Idle for the whole period, yet a request may be on its way: the idle timer saw no open
    /// stream, which says nothing of bytes the client already sent that this loop has not read
    /// (in the socket, on the wire, or written by a client that took its time after connecting).
    /// Closing at once would refuse such a request, or lose it with the connection. So, as
    /// RFC 9113 §6.8 advises: GOAWAY with the largest stream id first (new streams are still
    /// accepted), a PING behind it. The PING's answer proves the client read the GOAWAY (it
    /// starts no new call here after that) and that everything it sent before has arrived: the
    /// final GOAWAY names the last stream, and the connection closes once those calls end.
    override func closeIdleConnection() {
        guard !isDraining, idleNoticeTimer == nil, !isClosed, let loop = eventLoop else { return }
        logger.debug("idle connection: announcing shutdown")
        session.submitShutdownNotice()
        session.submitPing(payload: Self.idlePingPayload)
        let bound = NIOLoopBound(self, eventLoop: loop)
        // A client that never answers is waited for as long as a keepalive PING, not longer.
        idleNoticeTimer = loop.scheduleTask(in: TimeAmount(limits.keepaliveTimeout)) {
            bound.value.finishIdleShutdown()
        }
        flush()
    }

    override func sessionDidReceivePingAck(payload: UInt64) {
        if payload == Self.idlePingPayload {
            finishIdleShutdown()
        } else {
            super.sessionDidReceivePingAck(payload: payload)
        }
    }

    /// The final GOAWAY of an idle shutdown; the connection closes when its last stream ends
    /// (`flush` closes it once nghttp2 has nothing left to read or write).
    private func finishIdleShutdown() {
        guard let timer = idleNoticeTimer else { return }
        timer.cancel()
        idleNoticeTimer = nil
        guard !isDraining, !isClosed else { return }
        isDraining = true
        logger.debug("closing idle connection", metadata: ["open_streams": "\(streams.count)"])
        session.submitGoAway(errorCode: NGHTTP2_NO_ERROR, debug: "idle")
        flush()
    }

    override func tearDown(reason: RPCError) {
        idleNoticeTimer?.cancel()
        forceCloseTimer?.cancel()
        serverInboundBudget.cancelNotification(ObjectIdentifier(self))
        super.tearDown(reason: reason)
    }
}

/// A weak reference for wake-ups from the inbound budget, which reading tasks keep alive: the
/// connection must not outlive its channel because a queue still holds the budget.
final class WeakServerConnection {
    weak var connection: ServerConnection?

    init(_ connection: ServerConnection) {
        self.connection = connection
    }
}
