import Foundation
import SecondPassTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/2 frame as a raw peer sees it.
struct RawFrame: Sendable {
    var type: UInt8
    var flags: UInt8
    var streamID: UInt32
    var payload: [UInt8]

    static let data: UInt8 = 0
    static let headers: UInt8 = 1
    static let resetStream: UInt8 = 3
    static let settings: UInt8 = 4
    static let ping: UInt8 = 6
    static let goAway: UInt8 = 7
    static let windowUpdate: UInt8 = 8
    static let endStream: UInt8 = 1

    /// The error code of a RST_STREAM or GOAWAY frame.
    var errorCode: UInt32? {
        let offset: Int
        switch type {
        case Self.resetStream: offset = 0
        case Self.goAway: offset = 4
        default: return nil
        }
        guard payload.count >= offset + 4 else { return nil }
        return payload[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The last stream id a GOAWAY frame names.
    var lastStreamID: UInt32? {
        guard type == Self.goAway, payload.count >= 4 else { return nil }
        return payload[0..<4].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
    }

    /// SETTINGS entries (identifier, value).
    var settings: [(UInt16, UInt32)] {
        guard type == Self.settings else { return [] }
        return stride(from: 0, to: payload.count - 5, by: 6).map { offset in
            let id = UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])
            let value = payload[offset + 2..<offset + 6].reduce(0) { $0 << 8 | UInt32($1) }
            return (id, value)
        }
    }
}

/// A long-lived raw HTTP/2 client connection: send hand-made frames in steps, read the frames
/// the server answers with, close abruptly. For abuse tests that must react to the server
/// (send a reset only once the handler runs, drop the connection mid-call).
///
/// Blocking socket calls run on dedicated threads so they never tie up Swift's cooperative pool.
final class RawHTTP2Connection: Sendable {
    private let fd: Int32
    private let buffered = Mutex<[UInt8]>([])
    private let closed = Atomic<Bool>(false)

    /// Connects and sends the client preface and an empty SETTINGS frame.
    init(port: Int) throws {
        let fd = try LoopbackSocket.connect(port: port, receiveTimeout: .milliseconds(100))
        self.fd = fd
        try send(
            RawSocket.preface + RawSocket.frame(type: RawFrame.settings, flags: 0, streamID: 0, payload: []))
    }

    deinit {
        if !closed.load(ordering: .relaxed) { Glibc.close(fd) }
    }

    /// Waits for the server's SETTINGS and acknowledges them, so its limits and windows are in
    /// force rather than pending.
    func acknowledgeSettings() async throws -> RawFrame? {
        let greeting = await readFrames { frames in
            frames.contains { $0.type == RawFrame.settings && $0.flags & 1 == 0 }
        }
        try send(RawSocket.frame(type: RawFrame.settings, flags: 1, streamID: 0, payload: []))
        return greeting.frames.first { $0.type == RawFrame.settings && $0.flags & 1 == 0 }
    }

    /// Sends bytes (small enough to go out without waiting for the server to read).
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw PeerToolError(description: "send() failed: \(errno)") }
            sent += count
        }
    }

    /// Closes the socket at once: the server sees the connection drop mid-call.
    func close() {
        if !closed.exchange(true, ordering: .relaxed) { Glibc.close(fd) }
    }

    /// Reads frames until `predicate` holds for the frames read so far (returning them), the
    /// server closes the connection, or `timeout` passes.
    func readFrames(
        timeout: Duration = .seconds(20), until predicate: @escaping @Sendable ([RawFrame]) -> Bool
    ) async -> (frames: [RawFrame], closedByServer: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.blockingRead(timeout: timeout, until: predicate))
            }
        }
    }

    private func blockingRead(
        timeout: Duration, until predicate: ([RawFrame]) -> Bool
    ) -> (frames: [RawFrame], closedByServer: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let frames = buffered.withLock { Self.parse($0) }
            if predicate(frames) { return (frames, false) }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffered.withLock { $0 += buffer[0..<count] }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return (buffered.withLock { Self.parse($0) }, true)
            }
        }
        return (buffered.withLock { Self.parse($0) }, false)
    }

    /// Every complete frame in `bytes`.
    static func parse(_ bytes: [UInt8]) -> [RawFrame] {
        var frames: [RawFrame] = []
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard offset + 9 + length <= bytes.count else { break }
            let streamID = bytes[offset + 5..<offset + 9].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
            frames.append(
                RawFrame(
                    type: bytes[offset + 3], flags: bytes[offset + 4], streamID: streamID,
                    payload: Array(bytes[offset + 9..<offset + 9 + length])))
            offset += 9 + length
        }
        return frames
    }
}

extension RawRequests {
    /// A DATA frame carrying `message` framed as gRPC, optionally ending the stream.
    static func data(streamID: UInt32, message: [UInt8], endStream: Bool) -> [UInt8] {
        RawSocket.frame(
            type: RawFrame.data, flags: endStream ? RawFrame.endStream : 0, streamID: streamID,
            payload: MessageBytes.framed(message))
    }

    /// HEADERS opening a gRPC call with extra literal fields (e.g. `grpc-timeout`).
    static func headers(streamID: UInt32, path: String, extra: [(String, String)]) -> [UInt8] {
        var block =
            literal(":method", "POST") + literal(":scheme", "http") + literal(":path", path)
            + literal(":authority", "test") + literal("content-type", "application/grpc")
            + literal("te", "trailers")
        for (name, value) in extra { block += literal(name, value) }
        return RawSocket.frame(type: RawFrame.headers, flags: 4, streamID: streamID, payload: block)
    }
}
