/// The gRPC length-prefixed message format: 1-byte compressed flag, 4-byte big-endian length,
/// then the message bytes.
enum MessageFraming {
    /// Size of the prefix before each message.
    static let prefixLength = 5

    /// Prefixes `message` with its compressed flag and length, compressing it first for gzip.
    static func frame(_ message: [UInt8], encoding: MessageEncoding = .identity) -> [UInt8] {
        let body = encoding == .gzip ? Gzip.compress(message) : message
        var framed: [UInt8] = []
        framed.reserveCapacity(body.count + prefixLength)
        let length = UInt32(truncatingIfNeeded: body.count)
        framed.append(encoding == .gzip ? 1 : 0)
        framed.append(UInt8(truncatingIfNeeded: length >> 24))
        framed.append(UInt8(truncatingIfNeeded: length >> 16))
        framed.append(UInt8(truncatingIfNeeded: length >> 8))
        framed.append(UInt8(truncatingIfNeeded: length))
        framed.append(contentsOf: body)
        return framed
    }
}

/// Reassembles length-prefixed messages from DATA chunks of arbitrary size.
///
/// Enforces the maximum message size before buffering a message's body, so a peer cannot make us
/// allocate more than `maximumMessageSize` bytes per stream by announcing a huge length; a
/// compressed message is inflated no further than that size either.
struct MessageDeframer {
    /// Why a byte stream is not a valid sequence of gRPC messages.
    enum Failure: Error, Equatable {
        case compressedWithoutEncoding
        case invalidCompressionFlag(UInt8)
        case messageTooLarge(length: UInt32, limit: Int)
        case truncated(bufferedBytes: Int)
        /// A compressed message that is not a valid stream of the negotiated encoding.
        case corruptCompressedMessage(encoding: String, reason: String)
        /// A compressed message that inflates past the limit.
        case decompressedTooLarge(compressedLength: Int, limit: Int)
    }

    let maximumMessageSize: Int
    /// The prefix bytes received so far, big-endian in the low bytes (no array: a stream's
    /// first message would allocate one just for these five bytes).
    private var prefix: UInt64 = 0
    private var prefixCount = 0
    private var body: [UInt8] = []
    private var expectedLength: Int?
    private var isCompressed = false
    /// The peer's `grpc-encoding` for this stream: what a message with compressed flag 1 is in.
    var encoding: MessageEncoding = .identity

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Bytes held for the message being assembled.
    var bufferedBytes: Int { prefixCount + body.count }

    /// Feeds a chunk and appends every completed message to `messages`.
    mutating func append(
        _ chunk: UnsafeRawBufferPointer, into messages: inout [[UInt8]]
    ) throws(Failure) {
        var wireLengths: [Int] = []
        try append(chunk, into: &messages, wireLengths: &wireLengths)
    }

    /// Feeds a chunk; appends every completed (inflated) message to `messages` and the bytes it
    /// took on the wire, prefix included, to `wireLengths`.
    mutating func append(
        _ chunk: UnsafeRawBufferPointer, into messages: inout [[UInt8]], wireLengths: inout [Int]
    ) throws(Failure) {
        var batch = DeframedMessages()
        try append(chunk, into: &batch)
        for (message, wireLength) in batch {
            messages.append(message)
            wireLengths.append(wireLength)
        }
    }

    /// Feeds a chunk; adds every completed (inflated) message and the bytes it took on the wire,
    /// prefix included, to `batch`.
    mutating func append(_ chunk: UnsafeRawBufferPointer, into batch: inout DeframedMessages) throws(Failure)
    {
        var offset = 0
        while offset < chunk.count {
            if let length = expectedLength {
                let take = min(length - body.count, chunk.count - offset)
                body.append(contentsOf: chunk[offset..<(offset + take)])
                offset += take
                if body.count == length {
                    batch.append(try complete(body), wireLength: length + MessageFraming.prefixLength)
                    body = []
                    expectedLength = nil
                }
            } else {
                while prefixCount < MessageFraming.prefixLength, offset < chunk.count {
                    prefix = prefix << 8 | UInt64(chunk[offset])
                    prefixCount += 1
                    offset += 1
                }
                if prefixCount == MessageFraming.prefixLength {
                    try beginMessage()
                    if expectedLength == 0 {
                        batch.append(try complete([]), wireLength: MessageFraming.prefixLength)
                        expectedLength = nil
                    }
                }
            }
        }
    }

    /// Checks that the stream did not end in the middle of a message.
    func finish() throws(Failure) {
        if bufferedBytes > 0 || expectedLength != nil {
            throw .truncated(bufferedBytes: bufferedBytes)
        }
    }

    private mutating func beginMessage() throws(Failure) {
        let flag = UInt8(truncatingIfNeeded: prefix >> 32)
        let length = UInt32(truncatingIfNeeded: prefix)
        prefix = 0
        prefixCount = 0
        switch flag {
        case 0: isCompressed = false
        case 1:
            guard encoding != .identity else { throw .compressedWithoutEncoding }
            isCompressed = true
        default: throw .invalidCompressionFlag(flag)
        }
        guard Int(length) <= maximumMessageSize else {
            throw .messageTooLarge(length: length, limit: maximumMessageSize)
        }
        expectedLength = Int(length)
        // Grow with the data, not the announced length: a peer announcing many huge messages
        // must not make us reserve memory it never sends.
        body.reserveCapacity(min(Int(length), 65_536))
    }

    /// The message a complete body carries: inflated when its flag said compressed.
    private func complete(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        guard isCompressed else { return body }
        do throws(Gzip.InflateFailure) {
            return try Gzip.decompress(body, limit: maximumMessageSize)
        } catch {
            switch error {
            case .tooLarge:
                throw .decompressedTooLarge(compressedLength: body.count, limit: maximumMessageSize)
            case .corrupt(let reason):
                throw .corruptCompressedMessage(encoding: encoding.headerValue, reason: reason)
            }
        }
    }
}

extension MessageDeframer.Failure {
    /// The status the receiving side reports for this failure.
    var rpcError: RPCError {
        switch self {
        case .compressedWithoutEncoding:
            return RPCError(
                code: .unimplemented,
                message: "Compressed message received but no grpc-encoding was negotiated.")
        case .invalidCompressionFlag(let flag):
            return RPCError(code: .internal, message: "Invalid compression flag \(flag) in message prefix.")
        case .messageTooLarge(let length, let limit):
            return RPCError(
                code: .resourceExhausted,
                message: "Message of \(length) bytes exceeds the limit of \(limit) bytes.")
        case .truncated(let buffered):
            return RPCError(
                code: .internal, message: "Stream ended inside a message (\(buffered) bytes buffered).")
        case .corruptCompressedMessage(let encoding, let reason):
            return RPCError(
                code: .internal, message: "Could not decompress a \(encoding) message: \(reason).")
        case .decompressedTooLarge(let compressedLength, let limit):
            return RPCError(
                code: .resourceExhausted,
                message:
                    "Compressed message of \(compressedLength) bytes inflates past the limit of \(limit) bytes."
            )
        }
    }
}

/// The messages one DATA chunk completed, in order, with their wire lengths.
///
/// A chunk nearly always completes at most one message: that one is held inline, and only
/// further ones go to an array, so the usual chunk allocates no list (two arrays per chunk
/// showed up among a unary call's mallocs).
struct DeframedMessages: Sequence {
    private var first: (message: [UInt8], wireLength: Int)?
    private var rest: [(message: [UInt8], wireLength: Int)] = []

    mutating func append(_ message: [UInt8], wireLength: Int) {
        if first == nil {
            first = (message, wireLength)
        } else {
            rest.append((message, wireLength))
        }
    }

    func makeIterator() -> Iterator {
        Iterator(first: first, rest: rest.makeIterator())
    }

    /// A concrete iterator (`AnyIterator` would box its closure: an allocation per chunk again).
    struct Iterator: IteratorProtocol {
        fileprivate var first: (message: [UInt8], wireLength: Int)?
        fileprivate var rest: IndexingIterator<[(message: [UInt8], wireLength: Int)]>

        mutating func next() -> (message: [UInt8], wireLength: Int)? {
            if let taken = first {
                first = nil
                return taken
            }
            return rest.next()
        }
    }
}
