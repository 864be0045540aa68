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
            @Sendable (RequestStream<[UInt8]>, OutboundMessageSink, ServerContext) async throws -> [UInt8]?
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
        let decode = Self.decoder(deserializer)
        let encode = Self.encoder(serializer)
        add(method) { requests, sink, context in
            let request = try await RequestStream(queue: requests.queue, decode: decode).single()
            return try Self.serialize(try await handler(request, context), encode)
        }
    }

    /// Registers a client-streaming method: a stream of requests, one response.
    public mutating func registerClientStreaming<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) {
        let decode = Self.decoder(deserializer)
        let encode = Self.encoder(serializer)
        add(method) { requests, sink, context in
            let response = try await handler(RequestStream(queue: requests.queue, decode: decode), context)
            return try Self.serialize(response, encode)
        }
    }

    /// Registers a server-streaming method: one request, a stream of responses.
    public mutating func registerServerStreaming<Request: Sendable, Response>(
        _ method: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        let decode = Self.decoder(deserializer)
        let encode = Self.encoder(serializer)
        add(method) { requests, sink, context in
            let request = try await RequestStream(queue: requests.queue, decode: decode).single()
            try await handler(request, ResponseWriter(core: sink, encode: encode), context)
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
        let decode = Self.decoder(deserializer)
        let encode = Self.encoder(serializer)
        add(method) { requests, sink, context in
            try await handler(
                RequestStream(queue: requests.queue, decode: decode),
                ResponseWriter(core: sink, encode: encode),
                context)
            return nil
        }
    }

    private mutating func add(
        _ method: MethodDescriptor,
        _ run:
            @escaping @Sendable (RequestStream<[UInt8]>, OutboundMessageSink, ServerContext) async throws ->
            [UInt8]?
    ) {
        handlers[method.fullPath] = RawHandler(method: method, run: run)
    }

    private static func serialize<Response>(
        _ response: Response, _ encode: @Sendable (Response) throws -> [UInt8]
    ) throws -> [UInt8] {
        do {
            return try encode(response)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(
                code: .internal, message: "Failed to serialize the response: \(error)", cause: error)
        }
    }

    private static func decoder<Request>(
        _ deserializer: some MessageDeserializer<Request>
    ) -> @Sendable ([UInt8]) throws -> Request {
        { bytes in
            do {
                return try deserializer.deserialize(bytes)
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: "Could not decode the request message: \(error)",
                    cause: error)
            }
        }
    }

    private static func encoder<Response>(
        _ serializer: some MessageSerializer<Response>
    ) -> @Sendable (Response) throws -> [UInt8] {
        { message in try serializer.serialize(message) }
    }
}

/// A group of methods registered together, e.g. one protobuf service.
public protocol RPCService: Sendable {
    /// Adds this service's methods to `router`.
    func registerMethods(with router: inout RPCRouter)
}
