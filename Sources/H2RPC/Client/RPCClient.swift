public import Logging
public import NIOCore
public import NIOPosix
import Synchronization

/// Runs `body` with a client connected to `host:port`, and closes the client when it returns.
///
/// All calls made through the client share one HTTP/2 connection (re-established on demand if
/// the server closes it or sends GOAWAY).
///
/// - Throws: `RPCError` (`INVALID_ARGUMENT`) before connecting when `configuration` holds a value
///   out of range, naming the field; otherwise whatever `body` throws.
public func withRPCClient<Result>(
    host: String,
    port: Int,
    configuration: ClientConfiguration = ClientConfiguration(),
    logger: Logger,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    _ body: (RPCClient) async throws -> Result
) async throws -> Result {
    try configuration.validate()
    let client = RPCClient(
        host: host, port: port, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// A gRPC client multiplexing calls over one HTTP/2 connection.
///
/// Create it with `withRPCClient`. Every call takes the method descriptor, how to encode the
/// request and decode the response, custom metadata and options (timeout). Failures are always
/// `RPCError`: `UNAVAILABLE` when the server cannot be reached, the server's status otherwise.
public final class RPCClient: Sendable {
    private struct Connected: Sendable {
        let channel: any Channel
        let connection: NIOLoopBound<ClientConnection>
        let flags: ClientConnectionFlags
    }

    private struct State {
        var current: Connected?
        var connecting: EventLoopFuture<Connected>?
        var closed = false
    }

    let host: String
    let port: Int
    let configuration: ClientConfiguration
    let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    /// Live counters (open streams, buffered request bytes).
    public let statistics = TransportStatistics()

    init(
        host: String, port: Int, configuration: ClientConfiguration, logger: Logger,
        eventLoopGroup: any EventLoopGroup
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.logger = logger
        self.group = eventLoopGroup
        SignalSetup.ignoreSIGPIPE()
    }

    // MARK: Calls

    /// Unary call: one request, one response.
    public func unary<Request, Response: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        metadata: Metadata = [:],
        options: CallOptions = .defaults
    ) async throws -> Response {
        try await unaryWithMetadata(
            method, request: request, serializer: serializer, deserializer: deserializer, metadata: metadata,
            options: options
        ).message
    }

    /// Unary call that also returns the response metadata.
    public func unaryWithMetadata<Request, Response: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        metadata: Metadata = [:],
        options: CallOptions = .defaults
    ) async throws -> ClientResponse<Response> {
        let body = try Self.encode(
            request, with: serializer, limit: configuration.limits.maximumSendMessageSize)
        let attempt = {
            try await self.perform(
                method, metadata: metadata, options: options, initialBody: body, deserializer: deserializer
            ) { _, responses in
                try await Self.single(responses)
            }
        }
        do {
            return try await attempt()
        } catch let error as RPCError where error.cause is StreamRefused {
            // The server never processed the request (REFUSED_STREAM or beyond its GOAWAY): one
            // transparent retry on a fresh connection, as gRPC clients do.
            logger.debug("retrying refused unary call", metadata: ["method": "\(method)"])
            return try await attempt()
        }
    }

    /// Client-streaming call: `requests` writes the request messages; the result is the one response.
    public func clientStreaming<Request, Response: Sendable>(
        _ method: MethodDescriptor,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        metadata: Metadata = [:],
        options: CallOptions = .defaults,
        requests: (RequestWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        try await perform(
            method, metadata: metadata, options: options, initialBody: nil, deserializer: deserializer
        ) { sink, responses in
            try await requests(RequestWriter(sink: sink, serializer: serializer))
            sink.finish()
            return try await Self.single(responses)
        }
    }

    /// Server-streaming call: one request; `body` consumes the response stream.
    public func serverStreaming<Request, Response: Sendable, Result>(
        _ method: MethodDescriptor,
        request: Request,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        metadata: Metadata = [:],
        options: CallOptions = .defaults,
        body: (ResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        let bytes = try Self.encode(
            request, with: serializer, limit: configuration.limits.maximumSendMessageSize)
        return try await perform(
            method, metadata: metadata, options: options, initialBody: bytes, deserializer: deserializer
        ) { _, responses in
            try await body(responses)
        }
    }

    /// Bidirectional-streaming call: `body` writes requests and reads responses (concurrently if it
    /// wants, e.g. with a task group). When `body` returns, the request side is half-closed; if the
    /// call is still running then, it is cancelled.
    public func bidirectionalStreaming<Request, Response: Sendable, Result>(
        _ method: MethodDescriptor,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        metadata: Metadata = [:],
        options: CallOptions = .defaults,
        body: (RequestWriter<Request>, ResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await perform(
            method, metadata: metadata, options: options, initialBody: nil, deserializer: deserializer
        ) { sink, responses in
            try await body(RequestWriter(sink: sink, serializer: serializer), responses)
        }
    }

    // MARK: Call machinery

    private func perform<Response: Sendable, Result>(
        _ method: MethodDescriptor,
        metadata: Metadata,
        options: CallOptions,
        initialBody: [UInt8]?,
        deserializer: some MessageDeserializer<Response>,
        body: (ClientStreamSink, ResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        if Task.isCancelled {
            throw RPCError(code: .cancelled, message: "The call was cancelled before it started.")
        }
        let headers = try requestHeaders(method, metadata: metadata, options: options)
        let framedBody = initialBody.map { MessageFraming.frame($0, encoding: requestEncoding) }
        let opened = try await openCall(headers: headers, framedBody: framedBody, timeout: options.timeout)
        let (sink, queue, call) = (opened.sink, opened.queue, opened.call)
        let decode = deserializer.receivingDecoder(kind: "response", failureCode: .internal)
        let responses = ResponseStream(messages: MessageStream(queue: queue, decode: decode), call: call)
        let result: Result
        do {
            result = try await withTaskCancellationHandler {
                try await body(sink, responses)
            } onCancel: {
                sink.cancel(RPCError(code: .cancelled, message: "The call was cancelled by the client."))
            }
        } catch let error as RPCError {
            sink.cancel(RPCError(code: .cancelled, message: "The caller stopped the call."))
            throw error
        } catch is CancellationError {
            sink.cancel(RPCError(code: .cancelled, message: "The call was cancelled by the client."))
            // A deadline surfaces as cancellation of the body's waits; report it as the status.
            if case .some(.some(let status)) = call.status { throw status }
            throw RPCError(code: .cancelled, message: "The call was cancelled by the client.")
        } catch {
            sink.cancel(RPCError(code: .cancelled, message: "The caller stopped the call."))
            throw error
        }
        sink.finish()
        if call.status == nil {
            sink.cancel(RPCError(code: .cancelled, message: "The caller finished before the call ended."))
        }
        return result
    }

    /// What request messages are compressed with.
    private var requestEncoding: MessageEncoding {
        configuration.compression.sendsGzip ? .gzip : .identity
    }

    private static func single<Response: Sendable>(
        _ responses: ResponseStream<Response>
    ) async throws -> ClientResponse<Response> {
        let message = try await responses.messages.single(kind: "response", from: "server")
        return ClientResponse(
            message: message, metadata: try await responses.initialMetadata(),
            trailingMetadata: responses.trailingMetadata)
    }

    private func requestHeaders(
        _ method: MethodDescriptor, metadata: Metadata, options: CallOptions
    ) throws(RPCError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            (":method", "POST"), (":scheme", "http"), (":path", method.fullPath),
            (":authority", configuration.authority ?? "\(host):\(port)"),
            ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "h2rpc-swift/1.0"),
        ]
        if let timeout = options.timeout { headers.append(("grpc-timeout", GRPCTimeout.encode(timeout))) }
        if let token = configuration.bearerToken { headers.append(("authorization", "Bearer \(token)")) }
        if requestEncoding == .gzip { headers.append(("grpc-encoding", "gzip")) }
        headers.append(("grpc-accept-encoding", configuration.compression.acceptEncodingHeaderValue))
        headers += try MetadataWireFormat.encode(metadata)
        return headers
    }

    /// Serializes the one request of a unary or server-streaming call, checked against the send
    /// limit here because it travels with the headers instead of through a `RequestWriter`.
    private static func encode<Request>(
        _ request: Request, with serializer: some MessageSerializer<Request>, limit: Int
    ) throws(RPCError) -> [UInt8] {
        let bytes = try serializer.serializeForSending(request, kind: "request")
        guard bytes.count <= limit else {
            throw RPCError(
                code: .resourceExhausted,
                message: "Request message of \(bytes.count) bytes exceeds the limit of \(limit) bytes.")
        }
        return bytes
    }

    // MARK: Connection

    /// A call's stream, submitted: what the caller's task needs from then on.
    private struct OpenedCall: Sendable {
        let sink: ClientStreamSink
        let queue: InboundMessageQueue
        let call: ClientCallState
    }

    /// Takes the usable connection (or makes one) and submits the call's stream on its event
    /// loop in the same turn that finds it usable or connected.
    ///
    /// No task hop lies between the two: a fresh connection's first request leaves right after
    /// its preface, instead of whenever the caller's task resumes from the connect. On a loaded
    /// machine that could be after the server found the silent connection idle; the call was
    /// then refused there, and its one transparent retry could meet the same fate.
    private func openCall(
        headers: [(name: String, value: String)], framedBody: [UInt8]?, timeout: Duration?
    ) async throws -> OpenedCall {
        let connecting = try connectionFuture()
        do {
            return try await connecting.flatMapThrowing { connected in
                try self.open(connected, headers: headers, framedBody: framedBody, timeout: timeout)
            }.get()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(
                code: .unavailable, message: "Could not connect to \(host):\(port): \(error)", cause: error)
        }
    }

    /// Submits the call's stream on `connected`; runs on its event loop.
    private func open(
        _ connected: Connected, headers: [(name: String, value: String)], framedBody: [UInt8]?,
        timeout: Duration?
    ) throws(RPCError) -> OpenedCall {
        let loop = connected.channel.eventLoop
        let handle = ClientStreamHandle()
        let connection = connected.connection
        let queue = InboundMessageQueue(
            bufferLimit: configuration.limits.streamReceiveBufferLimit,
            onCreditAvailable: { byteCount in
                loop.execute { connection.value.credit(streamID: handle.streamID, byteCount: byteCount) }
            })
        let gate = OutboundFlowGate(
            highWatermark: configuration.limits.streamSendHighWatermark, statistics: statistics)
        let call = ClientCallState()
        let sink = ClientStreamSink(
            eventLoop: loop, connection: connection, handle: handle, gate: gate,
            maximumMessageSize: configuration.limits.maximumSendMessageSize, encoding: requestEncoding)
        if let framedBody { try gate.add(framedBody.count) }
        connection.value.openStream(
            handle: handle, headers: headers, call: call, inbound: queue, gate: gate, initialBody: framedBody,
            endBody: framedBody != nil, timeout: timeout)
        return OpenedCall(sink: sink, queue: queue, call: call)
    }

    /// The connection new calls use: the current one while it is usable, else the one being
    /// made (made now if none is).
    private func connectionFuture() throws(RPCError) -> EventLoopFuture<Connected> {
        let (future, isNew): (EventLoopFuture<Connected>, Bool) = try state.withLock {
            state throws(RPCError) in
            if state.closed {
                throw RPCError(code: .unavailable, message: "The client is closed.")
            }
            if let current = state.current, current.channel.isActive, !current.flags.isRetired {
                return (current.channel.eventLoop.makeSucceededFuture(current), false)
            }
            if let connecting = state.connecting { return (connecting, false) }
            let connecting = makeConnection()
            state.connecting = connecting
            return (connecting, true)
        }
        if isNew {
            future.whenComplete { result in
                self.state.withLock { state in
                    if state.connecting === future { state.connecting = nil }
                    if case .success(let connected) = result { state.current = connected }
                }
            }
        }
        return future
    }

    private func makeConnection() -> EventLoopFuture<Connected> {
        let configuration = self.configuration
        let statistics = self.statistics
        let logger = self.logger
        return ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try ClientConnection(
                        configuration: configuration, statistics: statistics, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnection.self)
                return Connected(
                    channel: channel, connection: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                    flags: handler.flags)
            }
    }

    /// Closes the connection; calls still running fail with `UNAVAILABLE`.
    func close() async {
        let current: Connected? = state.withLock { state in
            state.closed = true
            return state.current
        }
        guard let current else { return }
        let connection = current.connection
        current.channel.eventLoop.execute { connection.value.close() }
        try? await current.channel.closeFuture.get()
    }
}
