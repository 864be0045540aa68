import Foundation
import SecondPassTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// gRPC message bytes for raw peers.
enum MessageBytes {
    /// A length-prefixed, uncompressed message.
    static func framed(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [
            0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
            UInt8(length & 0xFF),
        ]
            + message
    }
}

/// Failures of the external test peers.
struct PeerToolError: Error, CustomStringConvertible {
    var description: String
}

/// Drives `nghttp` (Debian nghttp2-client), an HTTP/2 client independent of our code, with
/// hand-made gRPC requests; returns its verbose frame log, which lists every received header.
enum NGHTTPClient {
    static func post(
        port: Int, path: String, body: [UInt8]?, headers: [String] = [],
        contentType: String = "application/grpc"
    ) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "h2rpc-nghttp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = ["-v", "-n", "-t", "20", "-H", "content-type: \(contentType)", "-H", "te: trailers"]
        for header in headers { arguments += ["-H", header] }
        if let body {
            let bodyFile = directory.appendingPathComponent("body")
            try Data(body).write(to: bodyFile)
            arguments += ["-d", bodyFile.path]
        }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let outputFile = directory.appendingPathComponent("out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nghttp")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                continuation.resume()
            }
        }
        try output.close()
        return try String(contentsOf: outputFile, encoding: .utf8)
    }
}

/// A plain TCP socket for sending bytes no well-behaved HTTP/2 client would send.
///
/// Blocking calls run on a dedicated thread so they never tie up Swift's cooperative pool.
enum RawSocket {
    struct Outcome {
        var received: [UInt8]
        /// Whether the server closed the connection (EOF or reset) before the timeout.
        var closedByServer: Bool
    }

    /// Connects, sends `payload`, optionally shuts down our write side, and reads until the server
    /// closes or `timeout` passes.
    static func exchange(
        port: Int, payload: [UInt8], shutdownWrite: Bool = false, timeout: Duration = .seconds(5)
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try blockingExchange(
                            port: port, payload: payload, shutdownWrite: shutdownWrite, timeout: timeout)
                    })
            }
        }
    }

    private static func blockingExchange(
        port: Int, payload: [UInt8], shutdownWrite: Bool, timeout: Duration
    ) throws -> Outcome {
        let fd = try LoopbackSocket.connect(port: port, receiveTimeout: .milliseconds(200))
        defer { close(fd) }
        var sent = 0
        while sent < payload.count {
            let count = payload[sent...].withUnsafeBytes {
                send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count <= 0 { break }
            sent += count
        }
        if shutdownWrite { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 {
                return Outcome(received: received, closedByServer: true)
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return Outcome(received: received, closedByServer: true)
            }
        }
        return Outcome(received: received, closedByServer: false)
    }

    /// The HTTP/2 client connection preface.
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// An HTTP/2 frame header (9 bytes) followed by `payload`.
    static func frame(
        type: UInt8, flags: UInt8, streamID: UInt32, payload: [UInt8], declaredLength: Int? = nil
    )
        -> [UInt8]
    {
        let length = declaredLength ?? payload.count
        return [
            UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
            UInt8(streamID >> 24 & 0x7F), UInt8(streamID >> 16 & 0xFF), UInt8(streamID >> 8 & 0xFF),
            UInt8(streamID & 0xFF),
        ] + payload
    }
}
