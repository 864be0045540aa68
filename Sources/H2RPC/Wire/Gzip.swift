import CZlib
import Foundation

/// gzip for gRPC message bodies (`grpc-encoding: gzip`), through zlib.
///
/// Inflating is bounded: the output never grows past `limit + 1` bytes, so a small "zip bomb"
/// costs at most the message size limit in memory before it is refused.
enum Gzip {
    /// Why a compressed message could not be inflated.
    enum InflateFailure: Error, Equatable {
        /// Not a valid gzip stream: bad header, bad checksum, truncated, or bytes after its end.
        case corrupt(String)
        /// It inflates to more than `limit` bytes.
        case tooLarge(limit: Int)
    }

    /// `bytes` as one gzip member (default compression level).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        // zlib keeps a back pointer to the z_stream, so it lives at one address for the whole run.
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard czlib_deflate_init_gzip(stream, Z_DEFAULT_COMPRESSION) == Z_OK else {
            fatalError("zlib: deflateInit2 failed (out of memory)")
        }
        let bound = Int(deflateBound(stream, uLong(bytes.count)))
        return bytes.withUnsafeBufferPointer { input in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            return [UInt8](unsafeUninitializedCapacity: bound) { output, count in
                stream.pointee.next_out = output.baseAddress
                stream.pointee.avail_out = uInt(bound)
                // deflateBound is enough for one Z_FINISH call to complete the stream.
                let result = deflate(stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "zlib: deflate within deflateBound returned \(result)")
                count = bound - Int(stream.pointee.avail_out)
            }
        }
    }

    /// Inflates one gzip member, refusing output larger than `limit` bytes.
    static func decompress(_ bytes: [UInt8], limit: Int) throws(InflateFailure) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_inflate_init_gzip(stream) == Z_OK else {
            fatalError("zlib: inflateInit2 failed (out of memory)")
        }
        // Start near the likely size and double, never past limit + 1 (one byte over proves
        // the output is too large without inflating further).
        let ceiling = limit + 1
        var capacity = min(ceiling, max(256, bytes.count * 4))
        var output = malloc(capacity)!.assumingMemoryBound(to: UInt8.self)
        defer {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            free(output)
        }
        var produced = 0
        let outcome: Result<Void, InflateFailure> = bytes.withUnsafeBufferPointer { input in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            while true {
                stream.pointee.next_out = output + produced
                stream.pointee.avail_out = uInt(capacity - produced)
                let result = inflate(stream, Z_NO_FLUSH)
                produced = capacity - Int(stream.pointee.avail_out)
                switch result {
                case Z_STREAM_END:
                    guard stream.pointee.avail_in == 0 else {
                        return .failure(
                            .corrupt("\(stream.pointee.avail_in) bytes after the end of the gzip stream"))
                    }
                    guard produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                    return .success(())
                case Z_OK, Z_BUF_ERROR:
                    guard produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                    if stream.pointee.avail_out == 0 {
                        capacity = min(ceiling, capacity * 2)
                        output = realloc(output, capacity)!.assumingMemoryBound(to: UInt8.self)
                    } else if stream.pointee.avail_in == 0 {
                        return .failure(.corrupt("the gzip stream is truncated"))
                    }
                default:
                    let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                    return .failure(.corrupt(reason))
                }
            }
        }
        if case .failure(let failure) = outcome { throw failure }
        return [UInt8](UnsafeBufferPointer(start: output, count: produced))
    }
}
