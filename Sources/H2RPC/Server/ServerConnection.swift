import CNGHTTP2
import Logging
import NIOCore

/// The server side of one HTTP/2 connection: validates requests, routes them to handlers, and
/// turns handler results into responses, trailers and resets.
///
/// Confined to its channel's event loop. Each accepted call runs its handler in a new task;
/// the task reaches back here only through `eventLoop.execute` (see `ServerStreamSink`).
final class ServerConnection: HTTP2Connection {
    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let tracker: ServerCallTracker
    private var isDraining = false
    private var forceCloseTimer: Scheduled<Void>?

    init(
        router: RPCRouter, configuration: ServerConfiguration, tracker: ServerCallTracker,
        statistics: TransportStatistics, logger: Logger
    ) throws(RPCError) {
        self.router = router
        self.configuration = configuration
        self.tracker = tracker
        try super.init(
            role: .server, limits: configuration.limits, statistics: statistics, logger: logger)
    }

    // MARK: Receiving requests

    override func sessionDidBeginHeaders(streamID: Int32, category: nghttp2_headers_category) {
        if category == NGHTTP2_HCAT_REQUEST {
            guard !isClosed, let context else { return }
            let stream = HTTP2StreamState(
                streamID: streamID,
                maximumMessageSize: limits.maximumReceiveMessageSize,
                inbound: InboundMessageQueue(
                    bufferLimit: limits.streamReceiveBufferLimit,
                    onCreditAvailable: makeCreditCallback(streamID: streamID)),
                gate: OutboundFlowGate(highWatermark: limits.streamSendHighWatermark, statistics: statistics),
                allocator: context.channel.allocator)
            streams[streamID] = stream
            statistics.streamOpened()
            armIdleTimer()
        } else if let stream = streams[streamID] {
            stream.headerFields = []
            stream.headerListSize = 0
        }
        streams[streamID]?.headerCategory = category
    }

    override func sessionDidReceiveHeaders(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID] else { return }
        if stream.headerCategory == NGHTTP2_HCAT_REQUEST {
            stream.peerEndedStream = endStream
            startCall(stream)
        }
        stream.headerFields = []
        if endStream { peerDidEndStream(stream) }
    }

    private func startCall(_ stream: HTTP2StreamState) {
        if stream.headerListSize > limits.maximumHeaderListSize {
            reject(
                stream,
                RPCError(
                    code: .resourceExhausted,
                    message:
                        "Header list of \(stream.headerListSize) bytes exceeds \(limits.maximumHeaderListSize)."
                ))
            return
        }
        var method: String?
        var path: String?
        var contentType: String?
        var timeout: String?
        var encoding: String?
        var authorization: String?
        for (name, value) in stream.headerFields {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case "content-type": contentType = value
            case "grpc-timeout": timeout = value
            case "grpc-encoding": encoding = value
            case "authorization": authorization = value
            default: break
            }
        }
        guard method == "POST" else {
            respondHTTP(stream, status: 405)
            return
        }
        guard let contentType, Self.isGRPCContentType(contentType) else {
            respondHTTP(stream, status: 415)
            return
        }
        if let token = configuration.bearerToken {
            guard let authorization, Self.constantTimeEquals(authorization, "Bearer \(token)") else {
                reject(
                    stream,
                    RPCError(
                        code: .unauthenticated,
                        message: authorization == nil ? "Missing bearer token." : "Invalid bearer token."))
                return
            }
        }
        if let encoding, encoding != "identity" {
            reject(
                stream,
                RPCError(code: .unimplemented, message: "Message encoding '\(encoding)' is not supported."))
            return
        }
        guard let path, let handler = router.handlers[path] else {
            reject(stream, RPCError(code: .unimplemented, message: "Unknown method '\(path ?? "")'."))
            return
        }
        var timeoutDuration: Duration?
        if let timeout {
            guard let parsed = GRPCTimeout.parse(timeout) else {
                reject(
                    stream, RPCError(code: .invalidArgument, message: "Invalid grpc-timeout '\(timeout)'."))
                return
            }
            timeoutDuration = parsed
        }
        let metadata: Metadata
        do {
            metadata = try MetadataWireFormat.decode(stream.headerFields)
        } catch {
            reject(stream, error)
            return
        }
        guard let context else { return }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let box = ResponseMetadataBox()
        let callContext = ServerContext(
            method: handler.method,
            metadata: metadata,
            deadline: timeoutDuration.map { ContinuousClock.now.advanced(by: $0) },
            peer: peerDescription(context),
            response: box)
        let sink = ServerStreamSink(
            eventLoop: loop, connection: bound, streamID: stream.streamID, gate: stream.gate, response: box,
            maximumMessageSize: limits.maximumSendMessageSize)
        let requests = RequestStream<[UInt8]>(queue: stream.inbound, decode: { $0 })
        let streamID = stream.streamID
        let tracker = self.tracker
        let maximumSendSize = limits.maximumSendMessageSize
        let gate = stream.gate
        let executor = taskExecutor(loop)
        let launch: () -> Task<Void, Never> = {
            tracker.callStarted()
            return Task(executorPreference: executor) {
                var failure: RPCError?
                var finalMessage: [UInt8]?
                do {
                    if let response = try await handler.run(requests, sink, callContext) {
                        guard response.count <= maximumSendSize else {
                            throw RPCError(
                                code: .resourceExhausted,
                                message:
                                    "Response message of \(response.count) bytes exceeds the limit of \(maximumSendSize) bytes."
                            )
                        }
                        let framed = MessageFraming.frame(response)
                        try gate.add(framed.count)
                        finalMessage = framed
                    }
                } catch {
                    failure = RPCError.from(error)
                }
                let trailing = box.trailing
                let initial = box.takeInitial()
                loop.execute {
                    bound.value.finishCall(
                        streamID: streamID, finalMessage: finalMessage, failure: failure, trailing: trailing,
                        initial: initial)
                }
                tracker.callFinished()
            }
        }
        if stream.peerEndedStream
            || !(handler.method.kind == .unary || handler.method.kind == .serverStreaming)
        {
            stream.handlerTask = launch()
        } else {
            // A single-request method starts when its request is complete, so the handler finds
            // the message waiting instead of being woken once per frame.
            stream.pendingLaunch = launch
        }
        if let timeoutDuration {
            stream.deadlineTimer = loop.scheduleTask(in: TimeAmount(timeoutDuration)) {
                bound.value.deadlineExpired(streamID: streamID)
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

    static func isGRPCContentType(_ value: String) -> Bool {
        let base = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        let trimmed = base.trimmingCharacters(in: " ").lowercased()
        return trimmed == "application/grpc" || trimmed == "application/grpc+proto"
    }

    private static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }

    // MARK: Sending responses

    /// Sends one framed response message, submitting the response headers first if needed.
    func sendMessage(streamID: Int32, framed: [UInt8], initialMetadata: [(name: String, value: String)]?) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        if !stream.headersSubmitted {
            stream.headersSubmitted = true
            let rc = session.submitResponse(
                streamID: streamID, headers: Self.responseHeaders + (initialMetadata ?? []), hasBody: true)
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
                    streamID: streamID, headers: Self.responseHeaders + initialFields, hasBody: true)
            }
            stream.outbound.writeBytes(finalMessage)
            stream.trailers = statusFields + trailerFields
            endOutbound(stream)
        } else if stream.headersSubmitted {
            stream.trailers = statusFields + trailerFields
            endOutbound(stream)
        } else {
            stream.headersSubmitted = true
            _ = session.submitResponse(
                streamID: streamID,
                headers: Self.responseHeaders + initialFields + statusFields + trailerFields,
                hasBody: false)
        }
        scheduleFlush()
    }

    /// Rejects a call before any handler runs, with a Trailers-Only response.
    private func reject(_ stream: HTTP2StreamState, _ error: RPCError) {
        stream.isFinished = true
        stream.resetAfterEndStream = true
        stream.headersSubmitted = true
        stopReading(stream)
        _ = session.submitResponse(
            streamID: stream.streamID, headers: Self.responseHeaders + Self.statusFields(error),
            hasBody: false)
        logger.debug("rejected call", metadata: ["status": "\(error)"])
    }

    /// Answers a non-gRPC request with a bare HTTP status.
    private func respondHTTP(_ stream: HTTP2StreamState, status: Int) {
        stream.isFinished = true
        stream.resetAfterEndStream = true
        stream.headersSubmitted = true
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
        session.consume(streamID: stream.streamID, byteCount: credit)
    }

    private static let responseHeaders: [(name: String, value: String)] = [
        (":status", "200"), ("content-type", "application/grpc"),
    ]

    static func statusFields(_ failure: RPCError?) -> [(name: String, value: String)] {
        guard let failure else { return [("grpc-status", "0")] }
        var fields = [(name: "grpc-status", value: "\(failure.code.rawValue)")]
        if !failure.message.isEmpty {
            fields.append(("grpc-message", StatusMessageEncoding.encode(failure.message)))
        }
        return fields
    }

    // MARK: Failures, deadlines, cancellation

    override func inboundDidEnd(_ stream: HTTP2StreamState) {
        super.inboundDidEnd(stream)
        if let launch = stream.pendingLaunch {
            stream.pendingLaunch = nil
            stream.handlerTask = launch()
        }
    }

    override func inboundFailed(_ stream: HTTP2StreamState, error: RPCError) {
        stream.pendingLaunch = nil
        super.inboundFailed(stream, error: error)
        // The handler may be blocked writing; it learns the status when its task is cancelled.
        stream.handlerTask?.cancel()
        stream.resetAfterEndStream = true
        finishCall(streamID: stream.streamID, failure: error, trailing: Metadata(), initial: nil)
    }

    func deadlineExpired(streamID: Int32) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        stream.pendingLaunch = nil
        stream.handlerTask?.cancel()
        let error = RPCError(code: .deadlineExceeded, message: "The call's deadline was exceeded.")
        stream.gate.close(error)
        if !stream.headersSubmitted {
            // Trailers-Only with DEADLINE_EXCEEDED, then RST_STREAM once it is out.
            stream.resetAfterEndStream = true
            finishCall(streamID: streamID, failure: error, trailing: Metadata(), initial: nil)
        } else {
            // Part of a message may already be on the wire: the stream cannot be ended cleanly.
            stream.isFinished = true
            session.resetStream(streamID: streamID, errorCode: NGHTTP2_CANCEL)
            flush()
        }
    }

    override func streamWillBeRemoved(_ stream: HTTP2StreamState, reason: RPCError) {
        stream.pendingLaunch = nil
        if !stream.isFinished {
            stream.handlerTask?.cancel()
        }
        super.streamWillBeRemoved(stream, reason: reason)
        // While draining, nghttp2 stops wanting to read once the last stream is gone (GOAWAY was
        // sent); `flush` then closes the connection after writing what is pending.
        if isDraining && streams.isEmpty { flush() }
    }

    // MARK: Abuse

    private var resetWindowStart = NIODeadline.now()
    private var resetsInWindow = 0

    override func sessionDidReceiveReset(streamID: Int32) {
        let now = NIODeadline.now()
        if now - resetWindowStart >= .seconds(1) {
            resetWindowStart = now
            resetsInWindow = 0
        }
        resetsInWindow += 1
        guard resetsInWindow > configuration.maximumResetsPerSecond, !isDraining else { return }
        logger.warning(
            "client resets streams too fast; closing the connection",
            metadata: ["resets_per_second": "\(resetsInWindow)"])
        isDraining = true
        for stream in streams.values {
            stream.pendingLaunch = nil
            stream.handlerTask?.cancel()
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
            stream.handlerTask?.cancel()
            stream.isFinished = true
            session.resetStream(streamID: stream.streamID, errorCode: NGHTTP2_CANCEL)
        }
        flush()
    }

    override func tearDown(reason: RPCError) {
        forceCloseTimer?.cancel()
        super.tearDown(reason: reason)
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
