import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The "half-sent message" abuser: raw HTTP/2 connections whose streams each send request
/// headers and a gRPC length prefix claiming a 4 MiB message, then a little of it, then nothing.
///
/// Written against the socket (not `RPCClient`, which always frames whole messages) with the
/// smallest HTTP/2 client that works: the preface, an empty SETTINGS, HPACK literals without
/// Huffman, and a reader that acknowledges SETTINGS and PING so the server keeps the connection.
/// Shared by `abuse-bench` (the half-sent phase) and the multi-process rescorer tests (a client
/// that vanishes mid-message).
public final class HalfSentConnection: Sendable {
    /// A socket call failed (with its errno).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        init(_ description: String) { self.description = description }
    }

    private let descriptor: Int32
    private let writeLock = Mutex(())
    private let closed = Atomic<Bool>(false)

    /// Connects to `host:port` (IPv4) and sends the connection preface.
    public init(host: String, port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw Failure("connect to \(host):\(port) failed: errno \(errno)")
        }
        try send(
            Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(type: 0x4, flags: 0, stream: 0, []))
        let socketDescriptor = descriptor
        let thread = Thread { [self] in self.readLoop(socketDescriptor) }
        thread.start()
    }

    /// Opens stream `id` (odd, increasing): HEADERS, then a DATA frame holding a 5-byte prefix
    /// claiming `claimedBytes` and `sentBytes` of the message, without END_STREAM.
    public func openHalfSentStream(
        id: UInt32, authority: String, path: String, claimedBytes: Int, sentBytes: Int
    )
        throws
    {
        let headers: [(String, String)] = [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        var block: [UInt8] = []
        for (name, value) in headers {
            block.append(0x00)  // literal header field without indexing, new name
            block += Self.hpackString(name) + Self.hpackString(value)
        }
        let length = UInt32(claimedBytes)
        let prefix: [UInt8] = [
            0, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF),
            UInt8(length & 0xFF),
        ]
        try send(
            Self.frame(type: 0x1, flags: 0x4, stream: id, block)
                + Self.frame(
                    type: 0x0, flags: 0, stream: id, prefix + [UInt8](repeating: 0x5A, count: sentBytes)))
    }

    /// Closes the socket; the server sees the connection end with every stream half-sent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        // The reader thread closes the descriptor when its read returns.
    }

    private func send(_ bytes: [UInt8]) throws {
        try writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else { throw Failure("send failed: errno \(errno)") }
                offset += written
            }
        }
    }

    /// Reads frames until the connection ends, acknowledging SETTINGS and PING.
    private func readLoop(_ descriptor: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            buffer += chunk[0..<count]
            while buffer.count >= 9 {
                let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
                guard buffer.count >= 9 + length else { break }
                let type = buffer[3]
                let flags = buffer[4]
                let payload = Array(buffer[9..<(9 + length)])
                buffer.removeFirst(9 + length)
                if type == 0x4, flags & 0x1 == 0 {
                    try? send(Self.frame(type: 0x4, flags: 0x1, stream: 0, []))
                } else if type == 0x6, flags & 0x1 == 0 {
                    try? send(Self.frame(type: 0x6, flags: 0x1, stream: 0, payload))
                }
            }
        }
        closed.store(true, ordering: .releasing)
        Glibc.close(descriptor)
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [
            UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), type, flags,
            UInt8((stream >> 24) & 0x7F), UInt8((stream >> 16) & 0xFF), UInt8((stream >> 8) & 0xFF),
            UInt8(stream & 0xFF),
        ] + payload
    }

    /// An HPACK string literal without Huffman coding (RFC 7541 §5.2), 7-bit prefixed length.
    static func hpackString(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var encoded: [UInt8] = []
        var length = bytes.count
        if length < 127 {
            encoded.append(UInt8(length))
        } else {
            encoded.append(127)
            length -= 127
            while length >= 128 {
                encoded.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            encoded.append(UInt8(length))
        }
        return encoded + bytes
    }
}
