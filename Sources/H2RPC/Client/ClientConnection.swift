import CNGHTTP2
import Logging
import NIOCore
import Synchronization

/// Thread-safe facts about a client connection that callers check before using it.
final class ClientConnectionFlags: Sendable {
    private let retired = Atomic<Bool>(false)

    init() {}

    /// Whether new calls need a new connection: the server sent GOAWAY, or a call found the
    /// connection already closed while its channel still looked active to the caller.
    var isRetired: Bool { retired.load(ordering: .relaxed) }

    func retire() { retired.store(true, ordering: .relaxed) }
}

/// Identifies a client stream before and after nghttp2 assigns its id.
///
/// The calling task creates it; the event loop stores the id when it submits the request. All
/// later uses run on the same event loop after the submit, so they see the id.
final class ClientStreamHandle: Sendable {
    private let storedID = Atomic<Int32>(0)

    init() {}

    var streamID: Int32 { storedID.load(ordering: .acquiring) }

    func assign(_ streamID: Int32) { storedID.store(streamID, ordering: .releasing) }
}

/// The client side of one HTTP/2 connection: opens a stream per call, turns responses into
/// messages and statuses, enforces deadlines and cancels streams.
///
/// Confined to its channel's event loop; callers reach it through `eventLoop.execute`.
final class ClientConnection: HTTP2Connection {
    let flags = ClientConnectionFlags()
    /// Whether gzip-compressed responses are accepted (`CompressionConfiguration.acceptsGzip`).
    private let acceptsGzip: Bool

    init(configuration: ClientConfiguration, statistics: TransportStatistics, logger: Logger) throws(RPCError)
    {
        acceptsGzip = configuration.compression.acceptsGzip
        try super.init(
            role: .client, limits: configuration.limits, statistics: statistics, logger: logger)
    }

    // MARK: Calls

    /// Submits a request and registers its stream; failures end the call at once.
    func openStream(
        handle: ClientStreamHandle, headers: [(name: String, value: String)], call: ClientCallState,
        inbound: InboundMessageQueue, gate: OutboundFlowGate, initialBody: [UInt8]?, endBody: Bool,
        timeout: Duration?
    ) {
        guard !isClosed, !flags.isRetired, let context else {
            // Nothing was sent, so the call may be retried elsewhere (a GOAWAY or close raced
            // the call). Retiring first makes that retry open a new connection instead of
            // finding this one again before its channel is seen inactive.
            flags.retire()
            fail(
                call, inbound, gate,
                RPCError(code: .unavailable, message: "The connection is closed.", cause: StreamRefused()))
            return
        }
        start()
        let streamID = session.submitRequest(headers: headers)
        guard streamID > 0 else {
            fail(
                call, inbound, gate,
                RPCError(code: .unavailable, message: "Could not open a stream (nghttp2 error \(streamID))."))
            return
        }
        handle.assign(streamID)
        let stream = HTTP2StreamState(
            streamID: streamID, maximumMessageSize: limits.maximumReceiveMessageSize, inbound: inbound,
            gate: gate,
            allocator: context.channel.allocator)
        stream.clientCall = call
        stream.headersSubmitted = true
        stream.headerCategory = NGHTTP2_HCAT_RESPONSE
        streams[streamID] = stream
        statistics.streamOpened()
        if let initialBody { stream.outbound.writeBytes(initialBody) }
        if endBody { stream.outboundEnded = true }
        if let timeout {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            stream.deadlineTimer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                bound.value.cancelStream(
                    handle: handle,
                    error: RPCError(code: .deadlineExceeded, message: "The call's deadline was exceeded."))
            }
        }
        scheduleFlush()
    }

    private func fail(
        _ call: ClientCallState, _ inbound: InboundMessageQueue, _ gate: OutboundFlowGate, _ error: RPCError
    ) {
        call.setStatus(error, trailing: Metadata())
        inbound.finish(.failure(error))
        gate.close(error)
    }

    /// Appends a framed request message.
    func sendMessage(handle: ClientStreamHandle, framed: [UInt8]) {
        guard let stream = streams[handle.streamID], !stream.isFinished, !stream.outboundEnded else { return }
        appendOutbound(stream, framed)
        scheduleFlush()
    }

    /// Half-closes the request side.
    func endRequest(handle: ClientStreamHandle) {
        guard let stream = streams[handle.streamID], !stream.outboundEnded else { return }
        endOutbound(stream)
        scheduleFlush()
    }

    /// Ends a call locally (cancellation or deadline) and resets its stream.
    func cancelStream(handle: ClientStreamHandle, error: RPCError) {
        guard let stream = streams[handle.streamID], !stream.isFinished else { return }
        stream.isFinished = true
        stream.deadlineTimer?.cancel()
        stream.clientCall?.setStatus(error, trailing: Metadata())
        stream.inboundClosed = true
        let credit = stream.inbound.finish(.failure(error))
        session.consume(streamID: stream.streamID, byteCount: credit)
        stream.gate.close(error)
        session.resetStream(streamID: stream.streamID, errorCode: NGHTTP2_CANCEL)
        flush()
    }

    // MARK: Responses

    override func sessionDidBeginHeaders(streamID: Int32, category: nghttp2_headers_category) {
        guard let stream = streams[streamID] else { return }
        stream.headerCategory = category
        stream.headerFields = []
        stream.headerListSize = 0
    }

    override func sessionDidReceiveHeaders(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID], !stream.isFinished else { return }
        let fields = stream.headerFields
        stream.headerFields = []
        if stream.headerListSize > limits.maximumHeaderListSize {
            finishWithError(
                stream,
                RPCError(
                    code: .resourceExhausted,
                    message:
                        "Response header list of \(stream.headerListSize) bytes exceeds ClientConfiguration.limits.maximumHeaderListSize (\(limits.maximumHeaderListSize))."
                ),
                reset: !endStream)
            return
        }
        if stream.headerCategory == NGHTTP2_HCAT_RESPONSE {
            if let error = Self.validateResponseHeaders(fields) {
                finishWithError(stream, error, reset: !endStream)
                return
            }
            if endStream {
                completeWithTrailers(stream, fields)  // Trailers-Only
                return
            }
            if let encoding = fields.first(where: { $0.name == "grpc-encoding" })?.value {
                guard let known = MessageEncoding(headerValue: encoding, acceptsGzip: acceptsGzip) else {
                    let supported = acceptsGzip ? "gzip, identity" : "identity"
                    finishWithError(
                        stream,
                        RPCError(
                            code: .unimplemented,
                            message:
                                "Response encoding '\(encoding)' is not supported; this client accepts \(supported)."
                        ),
                        reset: true)
                    return
                }
                stream.deframer.encoding = known
            }
            do {
                stream.clientCall?.setInitialMetadata(try MetadataWireFormat.decode(fields))
            } catch {
                finishWithError(
                    stream, RPCError(code: .internal, message: "Invalid response metadata: \(error.message)"),
                    reset: true)
            }
        } else if endStream {
            completeWithTrailers(stream, fields)
        } else {
            finishWithError(
                stream, RPCError(code: .internal, message: "The server sent trailers without END_STREAM."),
                reset: true)
        }
    }

    /// Checks `:status` and `content-type`; maps a non-200 status as the gRPC spec says.
    static func validateResponseHeaders(_ fields: [(name: String, value: String)]) -> RPCError? {
        let status = fields.first { $0.name == ":status" }?.value
        guard status == "200" else {
            let code: RPCError.Code
            switch status {
            case "400": code = .internal
            case "401": code = .unauthenticated
            case "403": code = .permissionDenied
            case "404": code = .unimplemented
            case "429", "502", "503", "504": code = .unavailable
            default: code = .unknown
            }
            return RPCError(code: code, message: "The server answered with HTTP status \(status ?? "none").")
        }
        let contentType = fields.first { $0.name == "content-type" }?.value
        guard let contentType, ServerConnection.isGRPCContentType(contentType) else {
            return RPCError(
                code: .unknown, message: "The response content-type '\(contentType ?? "")' is not gRPC.")
        }
        return nil
    }

    private func completeWithTrailers(_ stream: HTTP2StreamState, _ fields: [(name: String, value: String)]) {
        var error = Self.status(from: fields)
        var trailing = Metadata()
        do {
            trailing = try MetadataWireFormat.decode(fields)
        } catch {
            trailing = Metadata()
        }
        if error == nil {
            do {
                try stream.deframer.finish()
            } catch let failure {
                error = failure.rpcError
            }
        }
        error?.metadata = trailing
        stream.isFinished = true
        stream.inboundClosed = true
        stream.deadlineTimer?.cancel()
        stream.clientCall?.setStatus(error, trailing: trailing)
        let credit: Int
        if let error {
            credit = stream.inbound.finish(.failure(error), keepingUnread: true)
        } else {
            credit = stream.inbound.finish(.success(()))
        }
        session.consume(streamID: stream.streamID, byteCount: credit)
        stream.gate.close(RPCError(code: error?.code ?? .ok, message: "The call already finished."))
    }

    /// Reads `grpc-status` and `grpc-message`; `nil` for OK.
    static func status(from fields: [(name: String, value: String)]) -> RPCError? {
        guard let text = fields.first(where: { $0.name == "grpc-status" })?.value else {
            return RPCError(code: .internal, message: "The response ended without grpc-status.")
        }
        guard let value = Int(text), value >= 0 else {
            return RPCError(code: .internal, message: "Invalid grpc-status '\(text)'.")
        }
        if value == 0 { return nil }
        let message = fields.first { $0.name == "grpc-message" }.map {
            StatusMessageEncoding.decode($0.value)
        }
        return RPCError(code: RPCError.Code(rawValue: value), message: message ?? "")
    }

    private func finishWithError(_ stream: HTTP2StreamState, _ error: RPCError, reset: Bool) {
        stream.isFinished = true
        stream.inboundClosed = true
        stream.deadlineTimer?.cancel()
        stream.clientCall?.setStatus(error, trailing: Metadata())
        let credit = stream.inbound.finish(.failure(error))
        session.consume(streamID: stream.streamID, byteCount: credit)
        stream.gate.close(error)
        if reset { session.resetStream(streamID: stream.streamID, errorCode: NGHTTP2_CANCEL) }
    }

    override func inboundDidEnd(_ stream: HTTP2StreamState) {
        // END_STREAM on a DATA frame: a gRPC server must end with trailers instead.
        finishWithError(
            stream, RPCError(code: .internal, message: "The server ended the stream without trailers."),
            reset: false)
    }

    override func inboundFailed(_ stream: HTTP2StreamState, error: RPCError) {
        finishWithError(stream, error, reset: true)
    }

    override func streamWillBeRemoved(_ stream: HTTP2StreamState, reason: RPCError) {
        stream.clientCall?.setStatus(reason, trailing: Metadata())
        super.streamWillBeRemoved(stream, reason: reason)
    }

    override func sessionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32) {
        flags.retire()
        logger.debug(
            "server sent GOAWAY",
            metadata: ["last_stream_id": "\(lastStreamID)", "error_code": "\(errorCode)"])
    }

    /// Sends GOAWAY and closes once the streams are done (used when the client is closed).
    func close() {
        session.submitGoAway(errorCode: NGHTTP2_NO_ERROR, debug: "client closing")
        flush()
        closeConnection()
    }
}
