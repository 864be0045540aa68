/// The request header fields the server acts on, picked out of a HEADERS block once.
///
/// Parsing keeps no opinion about validity; `RequestValidator` decides whether the call may run,
/// so each of the two steps can be read (and tested) on its own.
struct RequestHead {
    var method: String?
    var path: String?
    var contentType: String?
    var timeout: String?
    var encoding: String?
    var acceptEncoding: String?
    var authorization: String?
    /// Every field, for custom metadata.
    var fields: [(name: String, value: String)]
    /// Size of the header list as HTTP/2 counts it (name + value + 32 per field).
    var listSize: Int

    init(fields: [(name: String, value: String)], listSize: Int) {
        self.fields = fields
        self.listSize = listSize
        for (name, value) in fields {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case "content-type": contentType = value
            case "grpc-timeout": timeout = value
            case "grpc-encoding": encoding = value
            case "grpc-accept-encoding": acceptEncoding = value
            case "authorization": authorization = value
            default: break
            }
        }
    }
}

/// Why a request may not start: a bare HTTP status for non-gRPC requests, a gRPC status otherwise.
enum RequestRejection: Error {
    case httpStatus(Int)
    case status(RPCError)
}

/// What a valid request needs to launch its handler.
struct AcceptedRequest {
    let handler: RPCRouter.RawHandler
    let timeout: Duration?
    let metadata: Metadata
    /// What request messages with the compressed flag are in (`grpc-encoding`).
    let requestEncoding: MessageEncoding
    /// Whether the client's `grpc-accept-encoding` lists gzip.
    let clientAcceptsGzip: Bool
}

/// Decides whether a parsed request may run, and with which handler.
///
/// The order of the checks is the order a client should fix things in: transport-level problems
/// (size, method, content type) first, then authentication, then the call itself.
struct RequestValidator {
    let router: RPCRouter
    let bearerToken: String?
    let maximumHeaderListSize: Int
    /// Whether gzip-compressed requests are accepted (`CompressionConfiguration.acceptsGzip`).
    var acceptsGzip = true

    func validate(_ head: RequestHead) throws(RequestRejection) -> AcceptedRequest {
        if head.listSize > maximumHeaderListSize {
            throw .status(
                RPCError(
                    code: .resourceExhausted,
                    message: "Header list of \(head.listSize) bytes exceeds \(maximumHeaderListSize)."))
        }
        guard head.method == "POST" else { throw .httpStatus(405) }
        guard let contentType = head.contentType, Self.isGRPCContentType(contentType) else {
            throw .httpStatus(415)
        }
        if let token = bearerToken {
            guard let authorization = head.authorization,
                Self.constantTimeEquals(authorization, "Bearer \(token)")
            else {
                throw .status(
                    RPCError(
                        code: .unauthenticated,
                        message: head.authorization == nil ? "Missing bearer token." : "Invalid bearer token."
                    ))
            }
        }
        var requestEncoding = MessageEncoding.identity
        if let encoding = head.encoding {
            guard let known = MessageEncoding(headerValue: encoding, acceptsGzip: acceptsGzip) else {
                let supported = acceptsGzip ? "gzip, identity" : "identity"
                throw .status(
                    RPCError(
                        code: .unimplemented,
                        message:
                            "Message encoding '\(encoding)' is not supported; this server accepts \(supported)."
                    ))
            }
            requestEncoding = known
        }
        guard let path = head.path, let handler = router.handlers[path] else {
            throw .status(RPCError(code: .unimplemented, message: "Unknown method '\(head.path ?? "")'."))
        }
        var timeout: Duration?
        if let text = head.timeout {
            guard let parsed = GRPCTimeout.parse(text) else {
                throw .status(RPCError(code: .invalidArgument, message: "Invalid grpc-timeout '\(text)'."))
            }
            timeout = parsed
        }
        let metadata: Metadata
        do {
            metadata = try MetadataWireFormat.decode(head.fields)
        } catch {
            throw .status(error)
        }
        return AcceptedRequest(
            handler: handler, timeout: timeout, metadata: metadata, requestEncoding: requestEncoding,
            clientAcceptsGzip: MessageEncoding.acceptsGzip(head.acceptEncoding))
    }

    static func isGRPCContentType(_ value: String) -> Bool {
        // Nearly every client sends exactly one of these: compare bytes before splitting, trimming
        // and lower-casing (each of which allocates) for the general case.
        if value == "application/grpc" || value == "application/grpc+proto" { return true }
        let base = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        let trimmed = base.trimmingCharacters(in: " ").lowercased()
        return trimmed == "application/grpc" || trimmed == "application/grpc+proto"
    }

    /// Compares secrets in time independent of where they differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
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
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
