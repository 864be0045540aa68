/// Conversion of `Metadata` to and from HTTP/2 header fields.
///
/// Reserved headers (pseudo-headers and the ones gRPC itself uses) never appear as custom
/// metadata: they are stripped on receipt and refused on send, so a caller cannot forge a
/// status or a content type by accident.
enum MetadataWireFormat {
    /// Header names owned by the protocol, never exposed or accepted as custom metadata.
    static let reservedKeys: Set<String> = [
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
        "grpc-status", "grpc-message", "grpc-status-details-bin", "content-length",
        "connection", "keep-alive", "transfer-encoding", "upgrade", "host",
    ]

    /// Encodes custom metadata as header fields, validating keys and text values.
    static func encode(_ metadata: Metadata) throws(RPCError) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(metadata.count)
        for entry in metadata {
            let key = entry.key
            guard isValidKey(key) else {
                throw RPCError(code: .internal, message: "Invalid metadata key '\(key)'.")
            }
            guard !reservedKeys.contains(key) else {
                throw RPCError(code: .internal, message: "Metadata key '\(key)' is reserved by gRPC.")
            }
            let isBinaryKey = key.hasSuffix("-bin")
            switch entry.value {
            case .binary(let bytes):
                guard isBinaryKey else {
                    throw RPCError(
                        code: .internal, message: "Binary metadata value needs a '-bin' key, got '\(key)'.")
                }
                fields.append((key, Base64.encode(bytes)))
            case .string(let text):
                if isBinaryKey {
                    fields.append((key, Base64.encode(Array(text.utf8))))
                } else {
                    guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
                        throw RPCError(
                            code: .internal,
                            message: "Metadata value for '\(key)' must be printable ASCII.")
                    }
                    fields.append((key, text))
                }
            }
        }
        return fields
    }

    /// Decodes received header fields into custom metadata, skipping reserved and pseudo headers.
    ///
    /// - Throws: `RPCError` (`.invalidArgument`) when a `-bin` value is not valid base64.
    static func decode(_ fields: [(name: String, value: String)]) throws(RPCError) -> Metadata {
        var metadata = Metadata()
        for (name, value) in fields {
            if name.utf8.first == UInt8(ascii: ":") || isReserved(name) { continue }
            if name.hasSuffix("-bin") {
                guard let bytes = Base64.decode(value) else {
                    throw RPCError(
                        code: .invalidArgument, message: "Metadata '\(name)' is not valid base64.")
                }
                metadata.add(name, binary: bytes)
            } else {
                metadata.add(name, value)
            }
        }
        return metadata
    }

    /// Whether `name` is in `reservedKeys`, decided by a `switch` (no hashing: every request
    /// header passes through here).
    static func isReserved(_ name: String) -> Bool {
        switch name {
        case "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
            "grpc-status", "grpc-message", "grpc-status-details-bin", "content-length",
            "connection", "keep-alive", "transfer-encoding", "upgrade", "host":
            return true
        default:
            return false
        }
    }

    /// gRPC keys: lower-case letters, digits, `-`, `_` and `.`, not empty, not starting with `grpc-`
    /// unless reserved handling applies.
    static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty else { return false }
        return key.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
