/// Maps method paths to handlers; services register their methods here before the server starts.
///
/// Each registration supplies the method descriptor, how to decode requests and encode responses,
/// and an async handler in the shape of the method's kind. Undecodable requests become
/// `INVALID_ARGUMENT`; errors the handler throws become its status (see `RPCError.from`).
public struct RPCRouter: Sendable {
    /// A handler reduced to raw bytes, the form the transport runs.
    struct RawHandler: Sendable {
        let method: MethodDescriptor
        /// Runs the handler; returns the serialized single response of unary and client-streaming
        /// methods so the transport can send it together with the status in one step.
        let run:
            @Sendable (RequestStream<[UInt8]>, any OutboundMessageSink, ServerContext) async throws ->
                [UInt8]?
    }

    private(set) var handlers: [String: RawHandler] = [:]

    /// Creates an empty router.
    public init() {}

    /// The registered methods, sorted by path.
    public var methods: [MethodDescriptor] {
        handlers.values.map(\.method).sorted { $0.fullPath < $1.fullPath }
    }

    /// Registers everything a service provides.
    public mutating func register(_ service: some RPCService) {
        service.registerMethods(with: &self)
    }

    /// Registers a unary method: one request, one response.
    public mutating func registerUnary<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        let decode = deserializer.receivingDecoder(kind: "request", failureCode: .invalidArgument)
        add(method) { requests, sink, context in
            let request = try await RequestStream(queue: requests.queue, decode: decode).single(
                kind: "request", from: "client")
            return try serializer.serializeForSending(try await handler(request, context), kind: "response")
        }
    }

    /// Registers a client-streaming method: a stream of requests, one response.
    public mutating func registerClientStreaming<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) {
        let decode = deserializer.receivingDecoder(kind: "request", failureCode: .invalidArgument)
        add(method) { requests, sink, context in
            let response = try await handler(RequestStream(queue: requests.queue, decode: decode), context)
            return try serializer.serializeForSending(response, kind: "response")
        }
    }

    /// Registers a server-streaming method: one request, a stream of responses.
    public mutating func registerServerStreaming<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        let decode = deserializer.receivingDecoder(kind: "request", failureCode: .invalidArgument)
        add(method) { requests, sink, context in
            let request = try await RequestStream(queue: requests.queue, decode: decode).single(
                kind: "request", from: "client")
            try await handler(request, Self.writer(sink, serializer), context)
            return nil
        }
    }

    /// Registers a bidirectional-streaming method.
    public mutating func registerBidirectionalStreaming<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler:
            @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws
            ->
            Void
    ) {
        let decode = deserializer.receivingDecoder(kind: "request", failureCode: .invalidArgument)
        add(method) { requests, sink, context in
            try await handler(
                RequestStream(queue: requests.queue, decode: decode),
                Self.writer(sink, serializer),
                context)
            return nil
        }
    }

    private mutating func add(
        _ method: MethodDescriptor,
        _ run:
            @escaping @Sendable (RequestStream<[UInt8]>, any OutboundMessageSink, ServerContext) async throws
            ->
            [UInt8]?
    ) {
        handlers[method.fullPath] = RawHandler(method: method, run: run)
    }

    private static func writer<Response>(
        _ sink: any OutboundMessageSink, _ serializer: some MessageSerializer<Response>
    ) -> ResponseWriter<Response> {
        ResponseWriter(
            sink: sink,
            serialize: { message throws(RPCError) in
                try serializer.serializeForSending(message, kind: "response")
            })
    }
}

/// A group of methods registered together, e.g. one protobuf service.
public protocol RPCService: Sendable {
    /// Adds this service's methods to `router`.
    func registerMethods(with router: inout RPCRouter)
}
