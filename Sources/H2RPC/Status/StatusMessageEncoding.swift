/// Percent-encoding of `grpc-message`, as the gRPC over HTTP/2 specification defines it.
///
/// Bytes outside printable ASCII (0x20–0x7E) and `%` itself are sent as `%XX` of their UTF-8
/// encoding. Decoding is lenient as the specification asks: a malformed escape is kept verbatim
/// rather than failing the call, and invalid UTF-8 is repaired with replacement characters.
enum StatusMessageEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes a status message for the `grpc-message` header.
    static func encode(_ message: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.utf8.count)
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a received `grpc-message` header value.
    static func decode(_ encoded: String) -> String {
        let input = Array(encoded.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
